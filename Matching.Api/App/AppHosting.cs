using System.Reflection;
using Matching.Allocation;
using Matching.Api.Infrastructure;
using Matching.Model;
using Matching.Service;
using Matching.Validation;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Matching.Api.App;

/// <summary>
/// The page under /app: Razor components rendered on the server (static SSR, plain HTML forms and links, enhanced
/// navigation by Blazor's own script where it runs, no script needed),
/// signed in with an API key exchanged for a cookie that carries the key's name and roles. Three calls wire it:
/// <see cref="AddApp"/>, <see cref="UseApp"/>, <see cref="MapApp"/>.
/// </summary>
internal static class AppHosting
{
    /// <summary>The path every screen lives under.</summary>
    public const string Base = "/app";

    /// <summary>The cookie scheme of the page's session (the API itself only reads X-Api-Key).</summary>
    public const string CookieScheme = "AppCookie";

    /// <summary>
    /// The setting naming a folder for the data-protection key ring, which seals the page's session cookie and its
    /// antiforgery tokens. Instances behind one load balancer point it at one shared folder, so that a session begun on
    /// one is honoured by the others; unset, each machine keeps its own ring.
    /// </summary>
    public const string KeyRingPathSetting = "App:KeyRingPath";

    public static WebApplicationBuilder AddApp(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // blazor.web.js is a static web asset of the framework: a published host has it under wwwroot; a host run from
        // its build output (dotnet run, the tests, in any environment) finds it through the build's manifest.
        builder.WebHost.UseStaticWebAssets();
        services.AddDataProtection().SetApplicationName("Matching");
        // Read from the options, not from the configuration at this point: settings added by the host's later sources
        // (a test host's, an orchestrator's) are only all there once the container is built.
        services.AddOptions<KeyManagementOptions>().Configure<IConfiguration, ILoggerFactory>((options, configuration, logs) =>
        {
            if (configuration[KeyRingPathSetting] is not { Length: > 0 } path) return;
            try
            {
                options.XmlRepository = new FileSystemXmlRepository(Directory.CreateDirectory(path), logs);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new InvalidOperationException($"{KeyRingPathSetting}: the folder '{path}' cannot be created or used ({ex.GetType().Name}).", ex);
            }
        });
        services.AddRazorComponents();
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "matching.af";
            o.Cookie.Path = Base;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddAuthentication().AddCookie(CookieScheme, o =>
        {
            o.Cookie.Name = "matching.session";
            o.Cookie.Path = Base;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // Secure whenever the page is served over HTTPS
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.LoginPath = Base + "/login";
            o.AccessDeniedPath = Base;
        });
        return builder;
    }

    public static WebApplication UseApp(this WebApplication app)
    {
        // Only under /app: the cookie (not the X-Api-Key header) is who the caller is, and the language is chosen.
        app.UseWhen(c => c.Request.Path.StartsWithSegments(Base), branch => branch.Use(async (context, next) =>
        {
            var session = await context.AuthenticateAsync(CookieScheme);
            context.User = session.Succeeded ? session.Principal! : new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity());
            AppText.Choose(context);
            // A form post to a screen the key's roles may not use is refused before any handler runs.
            if (HttpMethods.IsPost(context.Request.Method) && context.GetEndpoint()?.Metadata.GetMetadata<AppScreenAttribute>() is { } screen
                && !screen.Policies.Concat(screen.Forms).All(p => AppSession.Allows(context.User, p)))
            {
                context.Response.StatusCode = AppSession.IsSignedIn(context.User) ? StatusCodes.Status403Forbidden : StatusCodes.Status401Unauthorized;
                return;
            }
            await next();
        }));
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapApp(this WebApplication app)
    {
        // The global rate limiter applies as to the API (by address: the session cookie is read after it), which also
        // bounds guesses at the sign-in form.
        // blazor.web.js (enhanced navigation) from the build's static-asset manifest.
        app.MapStaticAssets();
        app.MapRazorComponents<AppDocument>();
        // The page's own endpoints are not part of the HTTP API: kept out of its OpenAPI document.
        app.MapGet(Base + "/app.css", () => Asset("app.css", "text/css; charset=utf-8")).ExcludeFromDescription();
        app.MapGet(Base + "/gaps.csv", GapsCsv).ExcludeFromDescription();
        app.MapPost(Base + "/logout", SignOut).ExcludeFromDescription();
        return app;
    }

    /// <summary>Ends the session; a form without the antiforgery token is refused (400) and signs nobody out.</summary>
    private static async Task<IResult> SignOut(HttpContext context, Microsoft.AspNetCore.Antiforgery.IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(context)) return Problems.Status(StatusCodes.Status400BadRequest, "Bad request", "The form's antiforgery token is missing or invalid.");
        await context.SignOutAsync(CookieScheme);
        return TypedResults.Redirect(Base + "/login");
    }

    private static IResult Asset(string name, string contentType)
    {
        using var stream = typeof(AppHosting).Assembly.GetManifestResourceStream("Matching.Api.App." + name)
            ?? throw new InvalidOperationException($"The page's {name} is not embedded.");
        using var reader = new StreamReader(stream);
        return TypedResults.Text(reader.ReadToEnd(), contentType);
    }

    /// <summary>The gap report as CSV for the signed-in analyst: the same report and the same CSV as the API's.</summary>
    private static IResult GapsCsv(HttpContext context, AllocationsService service, WeightProfilesService profiles)
    {
        if (!AppSession.Allows(context.User, Policies.Reports)) return TypedResults.StatusCode(AppSession.IsSignedIn(context.User) ? 403 : 401);
        var errors = new ValidationErrors();
        var query = GapsQuery.Parse(context.Request.Query, errors);
        if (!errors.IsEmpty) return Problems.Invalid(errors.ToDictionary());
        var report = service.GapReport(query.Grouping, query.Kind, profiles.Resolve(null)!);
        var rows = query.Filter(report.Rows);
        var csv = (report with { Rows = rows }).ToCsv();
        context.Response.Headers.ContentDisposition = "attachment; filename=\"gaps.csv\"";
        return TypedResults.Text(csv, "text/csv; charset=utf-8");
    }
}

/// <summary>The gap screen's query (groupBy, kind, province, sort, dir), parsed once by the API's wire parsers.</summary>
internal sealed record GapsQuery(GapGrouping Grouping, OfferKind? Kind, string? Province, string Sort, bool Descending)
{
    /// <summary>The columns a table can be sorted by.</summary>
    public static readonly string[] Columns = ["area", "province", "kind", "waiting", "offers", "places", "taken", "unplaced", "extraPlaces", "newOffers"];

    public static GapsQuery Parse(IQueryCollection query, ValidationErrors errors)
    {
        var grouping = Wire.Enum<GapGrouping>(query["groupBy"].FirstOrDefault(), "groupBy", errors) ?? GapGrouping.Municipality;
        var kind = Wire.Enum<OfferKind>(Blank(query["kind"].FirstOrDefault()), "kind", errors);
        var province = Blank(query["province"].FirstOrDefault());
        if (province is not null && !Provinces.Contains(province, StringComparer.Ordinal)) { errors.Add("province", $"Use {string.Join(", ", Provinces)}."); province = null; }
        var sort = query["sort"].FirstOrDefault() ?? "unplaced";
        if (!Columns.Contains(sort, StringComparer.Ordinal)) { errors.Add("sort", $"Use {string.Join(", ", Columns)}."); sort = "unplaced"; }
        var dir = query["dir"].FirstOrDefault();
        if (dir is not (null or "asc" or "desc")) errors.Add("dir", "Use asc or desc.");
        return new GapsQuery(grouping, kind, province, sort, dir is null ? sort is not ("area" or "province" or "kind") : dir == "desc");
    }

    /// <summary>The provinces' codes as the report writes them.</summary>
    public static readonly string[] Provinces = ["VAN", "VBR", "VLI", "VOV", "VWV", "BRU", "WBR", "WHT", "WLG", "WLX", "WNA"];

    private static string? Blank(string? text) => string.IsNullOrEmpty(text) ? null : text;

    /// <summary>The rows of the asked province, sorted as asked.</summary>
    public IReadOnlyList<GapRow> Filter(IReadOnlyList<GapRow> rows)
    {
        var kept = rows.Where(r => Province is null || r.Province == Province);
        Func<GapRow, IComparable> key = Sort switch
        {
            "area" => r => r.Area,
            "province" => r => r.Province,
            "kind" => r => r.Kind,
            "waiting" => r => r.NewcomersWaiting,
            "offers" => r => r.Offers,
            "places" => r => r.Places,
            "taken" => r => r.PlacesTaken,
            "extraPlaces" => r => r.PlaceableWithExtraPlaces,
            "newOffers" => r => r.NeedNewOffers,
            _ => r => r.UnplacedAfterOptimal,
        };
        var sorted = Descending ? kept.OrderByDescending(key) : kept.OrderBy(key);
        return sorted.ThenBy(r => r.Area, StringComparer.Ordinal).ThenBy(r => r.Kind, StringComparer.Ordinal).ToList();
    }
}
