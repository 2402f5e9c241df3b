using Microsoft.Extensions.Options;

namespace Matching.Tests.Api;

/// <summary>Every configuration section is validated when the host starts: a bad value stops it, naming the key.</summary>
public class HostingOptionsTests
{
    [TestCase("Storage:Provider", "oracle", "Storage:Provider")]
    [TestCase("Storage:SyncIntervalMs", "10", "SyncIntervalMs")]
    [TestCase("Demo:Newcomers", "-1", "Newcomers")]
    [TestCase("Demo:Offers", "100001", "Offers")]
    [TestCase("Retention:ErasedAfterMonths", "0", "ErasedAfterMonths")]
    [TestCase("RateLimiting:PermitLimit", "0", "PermitLimit")]
    [TestCase("Matching:WeightProfilesPath", "/no/such/folder/for/matching", "Matching:WeightProfilesPath '/no/such/folder/for/matching' does not exist")]
    public void Start_ValueOutOfRange_RefusedNamingTheKey(string key, string value, string expected)
    {
        var failure = ApiFactory.StartFailure(() => new ApiFactory(settings: new Dictionary<string, string?> { [key] = value }));
        failure.Should().BeOfType<OptionsValidationException>().Which.Message.Should().Contain(expected);
    }
}
