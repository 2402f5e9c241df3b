using Matching.Model;
using Microsoft.AspNetCore.Components;

namespace Matching.Api.App;

/// <summary>
/// A screen of the page: its language, the signed-in key, and the policy check that decides what it shows and
/// accepts. A screen that its role may not see answers 403 with no data and no button; a form handler checks again.
/// </summary>
public abstract class AppPage : ComponentBase
{
    [CascadingParameter] public HttpContext? HttpContext { get; set; }
    [Inject] public NavigationManager Navigation { get; set; } = null!;

    internal ReasonLanguage Lang => AppText.Of(HttpContext);
    internal bool En => Lang == ReasonLanguage.En;

    /// <summary>The text in the page's language.</summary>
    internal string T(string nl, string en) => En ? en : nl;

    internal System.Security.Claims.ClaimsPrincipal User => HttpContext?.User ?? new();

    internal bool Can(string policy) => AppSession.Allows(User, policy);

    /// <summary>True when this request was refused (403): the screen then shows only that.</summary>
    internal bool Forbidden { get; private set; }

    /// <summary>
    /// Sends a visitor who is not signed in to the sign-in form; answers 403 to a key whose roles the screen's
    /// policies (its <see cref="AppScreenAttribute"/>) do not allow. Returns whether the screen may go on.
    /// </summary>
    internal bool Require()
    {
        var policies = GetType().GetCustomAttributes(typeof(AppScreenAttribute), inherit: true).OfType<AppScreenAttribute>().SingleOrDefault()?.Policies ?? [];
        if (!AppSession.IsSignedIn(User))
        {
            Navigation.NavigateTo(AppHosting.Base + "/login", forceLoad: true);
            return false;
        }
        if (policies.All(Can)) return true;
        Forbidden = true;
        if (HttpContext is not null && !HttpContext.Response.HasStarted) HttpContext.Response.StatusCode = StatusCodes.Status403Forbidden;
        return false;
    }

    internal string Num(double value, string format = "0.#") => AppText.Number(value, format, Lang);
}
