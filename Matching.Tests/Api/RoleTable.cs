using System.Text;
using Matching.Api.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Matching.Tests.Api;

/// <summary>One operation of the running host and the roles its authorization policy lets through.</summary>
/// <param name="Method">GET, PUT, …; "*" for any method.</param>
/// <param name="Path">The route pattern, e.g. /api/v1/offers/{id}/candidates.</param>
/// <param name="Open">True when no key is needed.</param>
/// <param name="Roles">The roles allowed, in <see cref="Roles.All"/> order; every role when open.</param>
internal sealed record Operation(string Method, string Path, bool Open, IReadOnlyList<string> Roles);

/// <summary>
/// The role × operation table as the host enforces it: read from the endpoints' metadata and the policies they name,
/// not written down a second time. The README carries this table; the auth matrix sends its requests by it.
/// </summary>
internal static class RoleTable
{
    public const string Begin = "<!-- roles:begin -->";
    public const string End = "<!-- roles:end -->";

    private static readonly string[] MethodOrder = ["GET", "PUT", "PATCH", "POST", "DELETE"];

    /// <summary>Every route endpoint × HTTP method of the host, ordered by path and then method.</summary>
    public static async Task<IReadOnlyList<Operation>> OperationsAsync(IServiceProvider services)
    {
        var policies = services.GetRequiredService<IAuthorizationPolicyProvider>();
        var operations = new List<Operation>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var path = "/" + endpoint.RoutePattern.RawText!.Trim('/');
            // The table is the HTTP API's. The page under /app (and /_framework/opaque-redirect, which Razor components
            // map for their redirects) signs in with a cookie and checks the same policies itself on every screen and
            // form; its own tests (Matching.Tests/App) hold it to them.
            if (path == "/app" || path.StartsWith("/app/", StringComparison.Ordinal) || path.StartsWith("/_framework/", StringComparison.Ordinal)) continue;
            // The page's static assets (blazor.web.js, by MapStaticAssets; in Development also a file fallback) are no operation.
            if (endpoint.RoutePattern.RawText == "{**path:file}" || endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.StaticAssets.StaticAssetDescriptor>() is not null) continue;
            var policy = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null
                ? null
                : await AuthorizationPolicy.CombineAsync(policies, endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>(),
                    endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>()) ?? await policies.GetFallbackPolicyAsync();
            var roles = policy is null ? Roles.All : RolesOf(policy, path);
            // An endpoint without method metadata (the health checks) answers every method: "*".
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
            {
                operations.Add(new Operation(method, path, policy is null, roles));
            }
        }
        return operations
            .OrderBy(o => o.Path, StringComparer.Ordinal)
            .ThenBy(o => Array.IndexOf(MethodOrder, o.Method) is var i and >= 0 ? i : MethodOrder.Length)
            .ThenBy(o => o.Method, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The roles that satisfy every roles requirement of the policy.</summary>
    private static string[] RolesOf(AuthorizationPolicy policy, string path)
    {
        // Any other kind of requirement would make the table claim more than it knows.
        var other = policy.Requirements.Where(r => r is not (RolesAuthorizationRequirement or DenyAnonymousAuthorizationRequirement)).ToList();
        if (other.Count > 0) throw new InvalidOperationException($"{path}: the role table cannot describe {string.Join(", ", other)}.");
        var requirements = policy.Requirements.OfType<RolesAuthorizationRequirement>().ToList();
        return Roles.All.Where(role => requirements.All(r => r.AllowedRoles.Contains(role, StringComparer.Ordinal))).ToArray();
    }

    /// <summary>The README's table: one row per operation, a column per role, ✓ where it may call it.</summary>
    public static string Markdown(IReadOnlyList<Operation> operations)
    {
        static string Cell(bool allowed) => allowed ? " ✓ |" : " |";
        var text = new StringBuilder();
        text.Append("| operation | no key |").AppendJoin("", Roles.All.Select(role => $" {role} |")).Append('\n');
        text.Append("| --- |").AppendJoin("", Enumerable.Repeat(" :-: |", Roles.All.Length + 1)).Append('\n');
        foreach (var operation in operations)
        {
            text.Append($"| `{operation.Method} {operation.Path}` |").Append(Cell(operation.Open))
                .AppendJoin("", Roles.All.Select(role => Cell(operation.Roles.Contains(role))))
                .Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The README.md of this repository (found above the test folder, beside Matching.sln).</summary>
    public static string ReadmePath()
    {
        var root = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Matching.sln"))) root = root.Parent;
        if (root is null) throw new InvalidOperationException($"No Matching.sln above {TestContext.CurrentContext.TestDirectory}.");
        return Path.Combine(root.FullName, "README.md");
    }
}
