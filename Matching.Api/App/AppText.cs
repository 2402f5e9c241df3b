using Matching.Model;

namespace Matching.Api.App;

/// <summary>
/// The page's language: Dutch unless English was chosen, by <c>?lang=en</c> (then remembered in a cookie) or the cookie.
/// Every text is written where it is shown, in both languages (<see cref="AppPage.T"/>).
/// </summary>
internal static class AppText
{
    public const string Cookie = "matching.lang";
    private const string ItemKey = "matching.app.lang";

    /// <summary>Reads the choice for this request and remembers a new one.</summary>
    public static void Choose(HttpContext context)
    {
        var asked = context.Request.Query["lang"].FirstOrDefault();
        ReasonLanguage language;
        if (asked is "nl" or "en")
        {
            language = asked == "en" ? ReasonLanguage.En : ReasonLanguage.Nl;
            context.Response.Cookies.Append(Cookie, asked, new CookieOptions
            {
                Path = AppHosting.Base, HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = context.Request.IsHttps,
                MaxAge = TimeSpan.FromDays(365), IsEssential = true,
            });
        }
        else
        {
            language = context.Request.Cookies[Cookie] == "en" ? ReasonLanguage.En : ReasonLanguage.Nl;
        }
        context.Items[ItemKey] = language;
    }

    public static ReasonLanguage Of(HttpContext? context) =>
        context?.Items[ItemKey] is ReasonLanguage language ? language : ReasonLanguage.Nl;

    /// <summary>The Dutch and English names of the vocabularies a screen shows.</summary>
    public static string Kind(string wire, ReasonLanguage l) => (wire, l == ReasonLanguage.En) switch
    {
        ("buddy", false) => "Buddyproject", ("buddy", true) => "Buddy project",
        ("languageInternship", false) => "Taalstage", ("languageInternship", true) => "Language internship",
        ("introductoryInternship", false) => "Kennismakingsstage", ("introductoryInternship", true) => "Introductory internship",
        ("volunteering", false) => "Toeleiding vrijwilligerswerk", ("volunteering", true) => "Path into volunteering",
        ("introductionTrajectory", false) => "Kennismakingstraject", ("introductionTrajectory", true) => "Introduction trajectory",
        _ => wire,
    };

    public static string Setting(string wire, ReasonLanguage l) => (wire, l == ReasonLanguage.En) switch
    {
        ("company", false) => "bedrijf", ("company", true) => "company",
        ("association", false) => "vereniging", ("association", true) => "association",
        ("organisation", false) => "organisatie", ("organisation", true) => "organisation",
        ("localGovernment", false) => "lokaal bestuur", ("localGovernment", true) => "local government",
        ("cultureClub", false) => "cultuurvereniging", ("cultureClub", true) => "culture club",
        ("youthClub", false) => "jeugdvereniging", ("youthClub", true) => "youth club",
        ("sportClub", false) => "sportvereniging", ("sportClub", true) => "sport club",
        ("careHome", false) => "woonzorgcentrum", ("careHome", true) => "care home",
        ("localServiceCentre", false) => "lokaal dienstencentrum", ("localServiceCentre", true) => "local service centre",
        ("neighbourhoodWork", false) => "buurtwerking", ("neighbourhoodWork", true) => "neighbourhood work",
        _ => wire,
    };

    public static string Criterion(string wire, ReasonLanguage l) => (wire, l == ReasonLanguage.En) switch
    {
        ("language", false) => "Taalniveau", ("language", true) => "Dutch level",
        ("interests", false) => "Interesses", ("interests", true) => "Interests",
        ("distance", false) => "Afstand", ("distance", true) => "Distance",
        ("availability", false) => "Beschikbaarheid", ("availability", true) => "Availability",
        ("bridgingLanguage", false) => "Brugtaal", ("bridgingLanguage", true) => "Bridging language",
        ("goals", false) => "Doelen", ("goals", true) => "Goals",
        _ => wire,
    };

    public static string Status(string wire, ReasonLanguage l) => (wire, l == ReasonLanguage.En) switch
    {
        ("proposed", false) => "voorgesteld", ("accepted", false) => "aanvaard", ("started", false) => "gestart",
        ("completed", false) => "afgerond", ("stopped", false) => "gestopt", ("declined", false) => "afgewezen",
        _ => wire,
    };

    public static string Province(string code, ReasonLanguage l) => (code, l == ReasonLanguage.En) switch
    {
        ("VAN", _) => "Antwerpen", ("VBR", false) => "Vlaams-Brabant", ("VBR", true) => "Flemish Brabant",
        ("VLI", _) => "Limburg", ("VOV", false) => "Oost-Vlaanderen", ("VOV", true) => "East Flanders",
        ("VWV", false) => "West-Vlaanderen", ("VWV", true) => "West Flanders", ("BRU", false) => "Brussel", ("BRU", true) => "Brussels",
        ("WBR", false) => "Waals-Brabant", ("WBR", true) => "Walloon Brabant", ("WHT", false) => "Henegouwen", ("WHT", true) => "Hainaut",
        ("WLG", false) => "Luik", ("WLG", true) => "Liège", ("WLX", false) => "Luxemburg", ("WLX", true) => "Luxembourg",
        ("WNA", false) => "Namen", ("WNA", true) => "Namur",
        _ => code,
    };

    /// <summary>
    /// A refusal of the rooms (written in English for the API's problem details) in the page's language: the known
    /// sentences of the match lifecycle in Dutch, anything else as written.
    /// </summary>
    public static string? Detail(string? detail, ReasonLanguage l)
    {
        if (detail is null || l == ReasonLanguage.En) return detail;
        if (detail.StartsWith("The pair breaks the hard constraint '", StringComparison.Ordinal))
        {
            var constraint = detail.Split('\'')[1];
            return $"Het paar breekt de harde voorwaarde '{constraint}'. Met een reden om af te wijken kan het toch (hieronder).";
        }
        var match = System.Text.RegularExpressions.Regex.Match(detail, "^An? (\\w+) match cannot become (\\w+)\\.$");
        if (match.Success) return $"Een match die {Status(match.Groups[1].Value, l)} is, kan niet {Status(match.Groups[2].Value, l)} worden.";
        return detail switch
        {
            "The offer is full: no place is free." => "Het aanbod is vol: er is geen plaats vrij.",
            "This newcomer already has an open match on this offer." => "Deze inburgeraar heeft al een open match op dit aanbod.",
            "The offer no longer exists." => "Het aanbod bestaat niet meer.",
            _ => detail,
        };
    }

    /// <summary>A number as the language writes it (3,2 km in Dutch); the host runs in invariant globalization mode.</summary>
    public static string Number(double value, string format, ReasonLanguage l)
    {
        var text = value.ToString(format, System.Globalization.CultureInfo.InvariantCulture);
        return l == ReasonLanguage.En ? text : text.Replace('.', ',');
    }
}
