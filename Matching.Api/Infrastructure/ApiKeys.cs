using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Matching.Api.Infrastructure;

/// <summary>The roles an API key can carry.</summary>
internal static class Roles
{
    public const string CaseManagement = "caseManagement";
    public const string CaseWorker = "caseWorker";
    public const string Analyst = "analyst";
    public const string Admin = "admin";

    public static readonly string[] All = [CaseManagement, CaseWorker, Analyst, Admin];
}

/// <summary>One configured API key.</summary>
internal sealed class ApiKeyEntry
{
    /// <summary>Who holds the key; the audit trail records this name.</summary>
    [Required, RegularExpression("^[A-Za-z0-9._-]{1,64}$")]
    public string Name { get; set; } = "";

    /// <summary>The secret, at least 16 characters; or leave it out and give <see cref="KeyHash"/>.</summary>
    [MinLength(16)]
    public string? Key { get; set; }

    /// <summary>"sha256:" and the hex SHA-256 of the key, so that configuration never holds the secret itself.</summary>
    [RegularExpression("^sha256:[0-9a-fA-F]{64}$", ErrorMessage = "KeyHash must be 'sha256:' and 64 hex digits.")]
    public string? KeyHash { get; set; }

    /// <summary>Whether <see cref="KeyHash"/> is absent or well formed (the annotation names a bad one).</summary>
    public bool HashWellFormed => KeyHash is null || System.Text.RegularExpressions.Regex.IsMatch(KeyHash, "^sha256:[0-9a-fA-F]{64}$");

    /// <summary>The SHA-256 digest the presented key is compared with.</summary>
    /// <remarks>Computed once per bound entry (a configuration reload binds new entries), not on every request.</remarks>
    public byte[] Digest() => _digest ??= KeyHash is { } hash
        ? Convert.FromHexString(hash["sha256:".Length..])
        : SHA256.HashData(Encoding.UTF8.GetBytes(Key ?? ""));

    private byte[]? _digest;

    /// <summary>caseManagement, caseWorker, analyst and/or admin.</summary>
    [Required, MinLength(1)]
    public string[] Roles { get; set; } = [];
}

/// <summary>The <c>Auth</c> section: the API keys.</summary>
internal sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>The keys; at least one.</summary>
    [Required, MinLength(1)]
    public List<ApiKeyEntry> ApiKeys { get; set; } = [];

    /// <summary>The demo keys shipped in appsettings.Development.json: refused in any other environment.</summary>
    public static readonly string[] DemoKeys =
    [
        "demo-case-management-key-0001", "demo-case-worker-key-0002", "demo-analyst-key-0003", "demo-admin-key-0004",
    ];
}

/// <summary>Refuses keys without a known role, repeated names or keys, and demo keys outside Development.</summary>
internal sealed class AuthOptionsValidator(IHostEnvironment environment) : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (options.ApiKeys.Count == 0) failures.Add("Auth:ApiKeys must name at least one key.");
        var wellFormed = options.ApiKeys.Where(k => k.HashWellFormed).ToList();
        foreach (var key in options.ApiKeys.Where(k => !k.HashWellFormed)) failures.Add($"Auth:ApiKeys '{key.Name}' has a KeyHash that is not 'sha256:' and 64 hex digits.");
        foreach (var key in wellFormed)
        {
            if ((key.Key is null) == (key.KeyHash is null)) failures.Add($"Auth:ApiKeys '{key.Name}' needs exactly one of Key and KeyHash.");
            var unknown = key.Roles.Where(r => !Roles.All.Contains(r, StringComparer.Ordinal)).ToList();
            if (unknown.Count > 0) failures.Add($"Auth:ApiKeys '{key.Name}' has unknown roles: {string.Join(", ", unknown)}.");
            if (!environment.IsDevelopment() && AuthOptions.DemoKeys.Any(demo => CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(demo)), key.Digest())))
            {
                failures.Add($"Auth:ApiKeys '{key.Name}' uses a demo key; demo keys work only in Development.");
            }
        }
        if (options.ApiKeys.Select(k => k.Name).Distinct(StringComparer.Ordinal).Count() != options.ApiKeys.Count) failures.Add("Auth:ApiKeys names must be unique.");
        if (wellFormed.Select(k => Convert.ToHexString(k.Digest())).Distinct(StringComparer.Ordinal).Count() != wellFormed.Count) failures.Add("Auth:ApiKeys keys must be unique.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>
/// Authenticates the <c>X-Api-Key</c> header against the configured keys. Keys are compared as SHA-256 digests with a
/// constant-time comparison, every configured key each time, so neither the length nor the position of a difference
/// leaks through timing.
/// </summary>
internal sealed class ApiKeyHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, IOptionsMonitor<AuthOptions> keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string Header = "X-Api-Key";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Header, out var values) || values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var match = Find(keys.CurrentValue, values[0]!);
        if (match is null) return Task.FromResult(AuthenticateResult.Fail("Unknown API key."));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(Principal(match, SchemeName), SchemeName)));
    }

    /// <summary>The configured key equal to the presented one, or null; the header and the page's sign-in both ask here.</summary>
    public static ApiKeyEntry? Find(AuthOptions options, string presentedKey)
    {
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(presentedKey));
        ApiKeyEntry? match = null;
        foreach (var entry in options.ApiKeys)
        {
            if (CryptographicOperations.FixedTimeEquals(presented, entry.Digest())) match = entry;
        }
        return match;
    }

    /// <summary>The key's name and roles as claims, under the given authentication type.</summary>
    public static ClaimsPrincipal Principal(ApiKeyEntry key, string authenticationType)
    {
        var claims = new List<Claim> { new(ClaimTypes.Name, key.Name) };
        claims.AddRange(key.Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType));
    }
}

/// <summary>The authorization policies: which roles may do what.</summary>
internal static class Policies
{
    public const string ReadNewcomers = "newcomers.read";
    public const string WriteNewcomers = "newcomers.write";
    public const string ReadOffers = "offers.read";
    public const string WriteOffers = "offers.write";
    public const string Suggest = "suggestions";
    public const string Matches = "matches";
    public const string ReadProfiles = "profiles.read";
    public const string WriteProfiles = "profiles.write";
    public const string Reports = "reports";
    public const string Audit = "audit";
    public const string Metrics = "metrics";
    public const string Scarcity = "scarcity";

    /// <summary>Policy → roles; admin may do everything.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> RolesOf = new Dictionary<string, string[]>
    {
        [ReadNewcomers] = [Roles.CaseManagement, Roles.CaseWorker, Roles.Admin],
        [WriteNewcomers] = [Roles.CaseManagement, Roles.Admin],
        [ReadOffers] = [Roles.CaseManagement, Roles.CaseWorker, Roles.Analyst, Roles.Admin],
        [WriteOffers] = [Roles.CaseManagement, Roles.Admin],
        [Suggest] = [Roles.CaseWorker, Roles.CaseManagement, Roles.Admin],
        [Matches] = [Roles.CaseWorker, Roles.CaseManagement, Roles.Admin],
        [ReadProfiles] = [Roles.Analyst, Roles.CaseWorker, Roles.CaseManagement, Roles.Admin],
        [WriteProfiles] = [Roles.Analyst, Roles.Admin],
        [Reports] = [Roles.Analyst, Roles.Admin],
        [Audit] = [Roles.Admin],
        [Metrics] = [Roles.Admin],
        [Scarcity] = [Roles.Analyst, Roles.Admin],
    };
}

/// <summary>The caller's key name, for the audit trail.</summary>
internal static class CallerExtensions
{
    public static string Caller(this ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";
}
