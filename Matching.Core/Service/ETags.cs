using System.Security.Cryptography;
using System.Text;

namespace Matching.Service;

/// <summary>
/// Versions of a resource for HTTP's ETag and If-Match: a strong tag from the stored state the service owns (a hash
/// of the stored document, or the weight profile's version), compared inside the write transaction that changes it.
/// </summary>
internal static class ETags
{
    /// <summary>The quoted tag of a stored representation: 16 hex digits of its SHA-256.</summary>
    public static string Of(string stored) =>
        "\"" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(stored)))[..16] + "\"";

    /// <summary>Whether an If-Match value (null: none sent) allows a write to the resource whose tag is <paramref name="current"/> (null: none).</summary>
    public static bool Allows(string? ifMatch, string? current)
    {
        if (ifMatch is null) return true;
        if (current is null) return false;
        foreach (var part in ifMatch.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            // If-Match compares strongly (RFC 9110 13.1.1): a weak tag never matches.
            if (part == "*" || part == current) return true;
        }
        return false;
    }

    /// <summary>The sentence of a 412.</summary>
    public const string StaleDetail = "If-Match names a version that is no longer the current one: read the resource again and repeat the change on it.";
}
