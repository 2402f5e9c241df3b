using Matching.Service;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Tests.Api;

/// <summary>
/// Looks into a host's in-memory offer index. Reads of an offer answer from the database, so tests that check the
/// index (which ranking uses) agrees with the database ask the index itself.
/// </summary>
internal static class IndexProbe
{
    /// <summary>The places the host's index holds as taken on an offer, or null when the index has no such offer.</summary>
    public static int? HeldInIndex(this ApiFactory factory, string offerId) =>
        factory.Services.GetRequiredService<MatchingStore>().Engine.GetOffer(offerId)?.Held;

    /// <summary>The offer's capacity in this instance's index, or null when the index does not have it.</summary>
    public static int? CapacityInIndex(this ApiFactory factory, string offerId) =>
        factory.Services.GetRequiredService<MatchingStore>().Engine.GetOffer(offerId)?.Offer.Capacity;
}
