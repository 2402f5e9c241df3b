using System.Security.Claims;
using Matching.Api.Infrastructure;

namespace Matching.Api.App;

/// <summary>
/// Who is signed in to the page and what they may do: the same policies (<see cref="Policies.RolesOf"/>) as the API
/// endpoints each screen mirrors, so a role sees and may post exactly what its key may call.
/// </summary>
internal static class AppSession
{
    public static bool IsSignedIn(ClaimsPrincipal user) =>
        user.Identity is { IsAuthenticated: true, AuthenticationType: AppHosting.CookieScheme };

    /// <summary>Whether the signed-in key's roles satisfy the policy.</summary>
    public static bool Allows(ClaimsPrincipal user, string policy) =>
        IsSignedIn(user) && Policies.RolesOf[policy].Any(user.IsInRole);

    /// <summary>The key's roles, for the header.</summary>
    public static IReadOnlyList<string> RolesOf(ClaimsPrincipal user) =>
        [.. user.FindAll(ClaimTypes.Role).Select(c => c.Value)];
}

/// <summary>
/// The policies a screen needs to be seen, and those its forms need on top: read by the screen itself (what it shows,
/// a 403 page otherwise) and, for a form post, by the page's middleware before any handler runs (403, nothing done).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class AppScreenAttribute(params string[] policies) : Attribute
{
    /// <summary>Every one of these is needed to see the screen.</summary>
    public string[] Policies { get; } = policies;

    /// <summary>Needed as well to post its forms.</summary>
    public string[] Forms { get; init; } = [];
}
