using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Matching.Contracts;
using Matching.Service;
using Matching.Tests.Api;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Matching.Tests.App;

/// <summary>
/// The page in a real browser: Debian's Chromium driven by Playwright (no browser download), one browser for the
/// fixture and a fresh context (cookies) per test, against the real host on a loopback port. Every wait is on a locator.
/// Every URL the browser asks for is checked for personal attributes after each test.
/// </summary>
[TestFixture, Category("Browser"), NonParallelizable]
public class PageBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";
    // What the inline form sends and no URL may ever carry (the pseudonymous ids may).
    private static readonly string[] Personal = ["Ledeberg", "9050", "football", "dutchLevel", "postcode", "interests", "languages", "birthYear",
        "gender", "trajectoryStart", "trajectoryEnd", "availability", "maxTravelKm", "goals"];

    private PageHost _host = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private readonly List<string> _urls = [];
    private IBrowserContext? _context;

    [OneTimeSetUp]
    public async Task Start()
    {
        if (!File.Exists(Chromium))
        {
            // CI installs the package (.ci/run): there a missing browser is a failure, not a skip.
            if (Environment.GetEnvironmentVariable("CI") == "true") Assert.Fail($"{Chromium} is missing; .ci/run installs the Debian package chromium.");
            Assert.Ignore($"{Chromium} is missing (apt-get install chromium); the browser tests need it.");
        }
        _host = new PageHost();
        var profiles = _host.Services.GetRequiredService<WeightProfilesService>();
        profiles.Put(new Matching.Scoring.WeightProfileDocument
        {
            Name = "nearby", Description = "distance first, scarcity on", ScarcityWeight = 0.5,
            Weights = new() { ["distance"] = 0.5, ["language"] = 0.2, ["interests"] = 0.2, ["availability"] = 0.1 },
        }, "test").Outcome.Should().Be(Outcome.Created);
        _host.Services.GetRequiredService<ScarcityService>().Recompute(new ScarcitySettings { Samples = 2 }, "test");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true });
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        _host?.Dispose();
    }

    [TearDown]
    public async Task NoPersonalAttributeInAnyUrl()
    {
        if (_context is not null) await _context.DisposeAsync();
        _context = null;
        var leaks = _urls.Where(u => Personal.Any(p => u.Contains(p, StringComparison.OrdinalIgnoreCase))).ToList();
        _urls.Clear();
        leaks.Should().BeEmpty("no URL the browser visits may carry a newcomer's attributes");
    }

    private async Task<IPage> NewPageAsync(int width = 1280, int height = 900)
    {
        _context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, BaseURL = _host.BaseUrl });
        var page = await _context.NewPageAsync();
        page.Request += (_, request) => _urls.Add(request.Url);
        return page;
    }

    private async Task<IPage> SignInAsync(string key, int width = 1280, int height = 900)
    {
        var page = await NewPageAsync(width, height);
        await page.GotoAsync("/app");
        await page.GetByLabel("API-sleutel").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Aanmelden" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welkom" })).ToBeVisibleAsync();
        return page;
    }

    private static async Task NoSeriousAxeViolationsAsync(IPage page, string screen, bool contrast = true)
    {
        // Contrast, the slowest rule, does not change with the width: the phone pass may leave it to the desktop one.
        var options = contrast ? null : new Deque.AxeCore.Commons.AxeRunOptions
        {
            Rules = new Dictionary<string, Deque.AxeCore.Commons.RuleOptions> { ["color-contrast"] = new() { Enabled = false } },
        };
        var result = await page.RunAxe(options);
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}").ToList();
        serious.Should().BeEmpty($"axe-core finds no serious or critical violation on the {screen} screen");
    }

    [Test]
    public async Task EnhancedNavigation_ALinkSwapsTheContent_WithoutReloadingTheDocument()
    {
        var page = await SignInAsync(ApiFactory.CaseWorkerKey);
        var script = await page.APIRequest.GetAsync("/_framework/blazor.web.js");
        script.Status.Should().Be(200);
        (await script.BodyAsync()).Length.Should().BeGreaterThan(1000, "blazor.web.js is served, not an empty answer");
        (await page.EvaluateAsync<bool>("() => typeof window.Blazor !== 'undefined'")).Should().BeTrue("blazor.web.js runs under the CSP");
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");

        await page.GetByRole(AriaRole.Link, new() { Name = "Inburgeraar", Exact = true }).ClickAsync();
        await Expect(page.GetByLabel("Id van de inburgeraar")).ToBeVisibleAsync();

        (await page.EvaluateAsync<bool>("() => window.__sameDocument === true")).Should().BeTrue("enhanced navigation fetched the screen into the same document");
        page.Url.Should().EndWith("/app/newcomers");
    }

    [Test]
    public async Task CaseWorker_SearchesProposesAndAccepts_PlaceIsTakenOnTheOffer()
    {
        var page = await SignInAsync(ApiFactory.CaseWorkerKey);
        await page.GetByRole(AriaRole.Link, new() { Name = "Inburgeraar", Exact = true }).ClickAsync();
        await page.GetByLabel("Id van de inburgeraar").FillAsync("nc-000001");
        await page.GetByRole(AriaRole.Button, new() { Name = "Zoeken" }).ClickAsync();

        var card = page.Locator("article.card").First;
        await Expect(card.Locator("h3")).ToContainTextAsync("1.");
        await Expect(card.Locator("meter")).ToHaveCountAsync(6);
        (await card.Locator(".reasons li").CountAsync()).Should().BeGreaterThan(0, "every card says why");
        await Expect(card.Locator(".facts")).ToContainTextAsync("km");
        var offerId = await card.GetAttributeAsync("data-offer");
        var free = int.Parse(await card.Locator("dd.free").InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        free.Should().BeGreaterThan(0);

        await card.GetByRole(AriaRole.Button, new() { Name = "Voorstellen" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Voorgesteld.");
        var row = page.Locator("tr[data-match]").First;
        await Expect(row.Locator(".state")).ToHaveTextAsync("voorgesteld");

        await row.GetByRole(AriaRole.Button, new() { Name = "Aanvaarden" }).ClickAsync();
        await Expect(page.Locator("tr[data-match]").First.Locator(".state")).ToHaveTextAsync("aanvaard");
        await Expect(page.Locator("tr[data-match]").First.Locator(".places")).ToContainTextAsync($"{free - 1} van ");
        await NoSeriousAxeViolationsAsync(page, "newcomer");

        await page.GotoAsync($"/app/offers?id={offerId}");
        await Expect(page.Locator(".places dd.free")).ToHaveTextAsync((free - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        (await page.Locator(".places dd.taken").InnerTextAsync()).Should().NotBe("0", "the accepted match holds a place");
    }

    [Test]
    public async Task CaseWorker_ComparesTwoProfiles_SideBySide()
    {
        var page = await SignInAsync(ApiFactory.CaseWorkerKey);
        await page.GotoAsync("/app/newcomers?id=nc-000002&compare=nearby&kind=&maxKm=30");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "profiel default" })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "profiel nearby" })).ToBeVisibleAsync();
        // Only the profile that prices places (scarcityWeight 0.5) orders by score − price and says so on the card.
        await Expect(page.Locator("section.column").Nth(0).Locator(".scarcity")).ToHaveCountAsync(0);
        (await page.Locator("section.column").Nth(1).Locator(".scarcity").CountAsync()).Should().BeGreaterThan(0);
        foreach (var km in await page.Locator("article.card .facts div:nth-child(2) dd").AllInnerTextsAsync())
        {
            double.Parse(km.Replace(" km", "").Replace(',', '.'), System.Globalization.CultureInfo.InvariantCulture).Should().BeLessThanOrEqualTo(30);
        }
    }

    [Test]
    public async Task CaseWorker_InlineNewcomer_IsPostedScoredAndNotStored()
    {
        var page = await SignInAsync(ApiFactory.CaseWorkerKey);
        var newcomers = _host.Services.GetRequiredService<NewcomersService>();
        var before = newcomers.ChangedSince(0, 1000).Items.Count;
        await page.GetByRole(AriaRole.Link, new() { Name = "Snel voorstel", Exact = true }).ClickAsync();
        await page.GetByLabel("Niveau Nederlands (ERK)").SelectOptionAsync("A1");
        await page.GetByLabel("Postcode").FillAsync("9050");
        await page.GetByLabel("Deelgemeente of plaats").FillAsync("Ledeberg");
        await page.GetByLabel("Reist tot (km)").FillAsync("25");
        await page.GetByLabel("Andere talen (ISO-codes, komma's)").FillAsync("ar, en");
        await page.GetByLabel("Interesses (codes, komma's)").FillAsync("football, cooking");
        await page.GetByLabel("Dag 1").SelectOptionAsync("tue");
        await page.GetByLabel("Van 1").FillAsync("18:00");
        await page.GetByLabel("Tot 1").FillAsync("21:00");
        await page.GetByLabel("Dag 2").SelectOptionAsync("wed");
        await page.GetByLabel("Van 2").FillAsync("09:00");
        await page.GetByLabel("Tot 2").FillAsync("17:00");
        await page.GetByLabel("Einde van het traject").FillAsync("2027-06-30");
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "werk", Exact = true }).CheckAsync();

        var request = await page.RunAndWaitForRequestAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Voorstellen tonen" }).ClickAsync(),
            // A form post, enhanced (fetched into the same document) or not: the newcomer goes in the body, never the URL.
            r => r.Url.Contains("/app/inline", StringComparison.Ordinal) && r.Method == "POST");
        request.Method.Should().Be("POST");
        await Expect(page.Locator("article.card").First.Locator("meter")).ToHaveCountAsync(6);
        page.Url.Should().EndWith("/app/inline");
        newcomers.ChangedSince(0, 1000).Items.Count.Should().Be(before, "the inline newcomer is scored and forgotten");
        await NoSeriousAxeViolationsAsync(page, "inline");
    }

    [Test]
    public async Task CaseWorker_InlineNewcomerWithUnknownInterest_FieldIsNamed()
    {
        var page = await SignInAsync(ApiFactory.CaseWorkerKey);
        await page.GotoAsync("/app/inline");
        await page.GetByLabel("Deelgemeente of plaats").FillAsync("Gent");
        await page.GetByLabel("Interesses (codes, komma's)").FillAsync("no-such-interest");
        await page.GetByRole(AriaRole.Button, new() { Name = "Voorstellen tonen" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("interests");
        await Expect(page.Locator("article.card")).ToHaveCountAsync(0);
    }

    [Test]
    public async Task CaseWorker_InlineNewcomerStartingAfterTheEnd_FieldIsNamed()
    {
        var page = await SignInAsync(ApiFactory.CaseWorkerKey);
        await page.GotoAsync("/app/inline");
        await page.GetByLabel("Deelgemeente of plaats").FillAsync("Gent");
        await page.GetByLabel("Start in de vierde pijler").FillAsync("2027-07-01");
        await page.GetByLabel("Einde van het traject").FillAsync("2027-06-30");
        await page.GetByRole(AriaRole.Button, new() { Name = "Voorstellen tonen" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("trajectoryStart");
        await Expect(page.Locator("article.card")).ToHaveCountAsync(0);
    }

    [Test]
    public async Task Organisation_OffersPage_ShowsPlacesAndCandidates()
    {
        var page = await SignInAsync(ApiFactory.CaseWorkerKey);
        await page.GotoAsync("/app/offers?id=offer-000003");
        await Expect(page.Locator(".places dd.free")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Kandidaten" })).ToBeVisibleAsync();
        (await page.Locator("article.card").CountAsync()).Should().BeGreaterThan(0);
    }

    [Test]
    public async Task Analyst_OpensTheGapMap_CirclesAreNamedFocusableAndTheTableSortsAndDownloads()
    {
        var page = await SignInAsync(ApiFactory.AnalystKey);
        await page.GetByRole(AriaRole.Link, new() { Name = "Tekorten" }).ClickAsync();
        var circles = page.Locator(".map svg > circle[tabindex='0']");
        await Expect(circles.First).ToBeVisibleAsync();
        var label = await circles.First.GetAttributeAsync("aria-label");
        label.Should().Contain("zonder plaats");
        (await circles.First.Locator("title").TextContentAsync()).Should().Be(label);
        await circles.First.FocusAsync();
        await Expect(circles.First).ToBeFocusedAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Wachtend" }).ClickAsync();
        await Expect(page.Locator("th[aria-sort]")).ToHaveTextAsync("Wachtend");
        var waiting = (await page.Locator("#gaps tbody tr td:nth-child(4)").AllInnerTextsAsync()).Select(int.Parse).ToList();
        waiting.Should().BeInDescendingOrder();

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "CSV downloaden" }).ClickAsync());
        var csv = await File.ReadAllTextAsync(await download.PathAsync());
        csv.Should().StartWith("area,nis,province,kind,");
        // axe-core runs on this screen (one province, both widths) in EveryScreen_…: on all of Belgium's rows it takes ~20 s.
    }

    [Test]
    public async Task Analyst_OpensTheCaseWorkerScreen_403WithoutDataOrButton()
    {
        var page = await SignInAsync(ApiFactory.AnalystKey);
        (await page.GetByRole(AriaRole.Link, new() { Name = "Inburgeraar", Exact = true }).CountAsync()).Should().Be(0, "the menu offers only what the role may use");
        var response = await page.GotoAsync("/app/newcomers?id=nc-000001");
        response!.Status.Should().Be(403);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Geen toegang" })).ToBeVisibleAsync();
        await Expect(page.Locator("article.card")).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Voorstellen" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Aanvaarden" })).ToHaveCountAsync(0);
    }

    [Test]
    public async Task CaseWorker_OpensTheGapReport_403()
    {
        var page = await SignInAsync(ApiFactory.CaseWorkerKey);
        var response = await page.GotoAsync("/app/gaps");
        response!.Status.Should().Be(403);
        await Expect(page.Locator(".map")).ToHaveCountAsync(0);
        var csv = await page.APIRequest.GetAsync("/app/gaps.csv");
        csv.Status.Should().Be(403);
    }

    [Test]
    public async Task Keyboard_SkipLinkFirst_SignInWithoutMouse_EnglishToggle()
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/app/login");
        await page.Keyboard.PressAsync("Tab");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Naar de inhoud" })).ToBeFocusedAsync();
        for (var i = 0; i < 10 && await page.EvaluateAsync<string>("document.activeElement.id") != "key"; i++) await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(ApiFactory.CaseWorkerKey);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welkom" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "English" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welcome" })).ToBeVisibleAsync();
        (await page.GetAttributeAsync("html", "lang")).Should().Be("en");
        await page.GotoAsync("/app/newcomers?id=nc-000004");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Suggestions for a newcomer" })).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Nederlands" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Inburgeraar nc-000004" })).ToBeVisibleAsync();
    }

    [Test]
    public async Task EveryScreen_AtDesktopAndPhoneWidth_HasNoSeriousAxeViolation_AndIsPhotographed()
    {
        // MATCHING_SCREENSHOTS=<folder> writes them there (docs/screenshots for the README); else into the test's folder.
        var folder = Environment.GetEnvironmentVariable("MATCHING_SCREENSHOTS") is { Length: > 0 } asked
            ? Path.GetFullPath(asked)
            : Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        (string Name, string? Key, string Path)[] screens =
        [
            ("login", null, "/app/login"),
            ("home", ApiFactory.CaseWorkerKey, "/app"),
            ("newcomer", ApiFactory.CaseWorkerKey, "/app/newcomers?id=nc-000005&compare=nearby"),
            ("inline", ApiFactory.CaseWorkerKey, "/app/inline"),
            ("offer", ApiFactory.CaseWorkerKey, "/app/offers?id=offer-000007"),
            ("gaps", ApiFactory.AnalystKey, "/app/gaps?province=VOV"),
            ("profiles", ApiFactory.AnalystKey, "/app/profiles"),
        ];
        foreach (var (width, height, suffix) in new[] { (1280, 900, "desktop"), (390, 844, "phone") })
        {
            foreach (var (name, key, path) in screens)
            {
                var page = key is null ? await NewPageAsync(width, height) : await SignInAsync(key, width, height);
                var response = await page.GotoAsync(path);
                response!.Status.Should().Be(200, $"{path} opens for its role");
                await Expect(page.Locator("main h1")).ToBeVisibleAsync();
                if (name == "inline")
                {
                    await page.GetByLabel("Deelgemeente of plaats").FillAsync("Gent");
                    await page.GetByLabel("Interesses (codes, komma's)").FillAsync("cooking");
                    await page.GetByLabel("Dag 1").SelectOptionAsync("tue");
                    await page.GetByLabel("Van 1").FillAsync("18:00");
                    await page.GetByLabel("Tot 1").FillAsync("21:00");
                    await page.GetByRole(AriaRole.Button, new() { Name = "Voorstellen tonen" }).ClickAsync();
                    await Expect(page.Locator("article.card").First).ToBeVisibleAsync();
                }
                var overflow = await page.EvaluateAsync<bool>("document.documentElement.scrollWidth > window.innerWidth + 1");
                overflow.Should().BeFalse($"{name} fits the width of {width} px without sideways scrolling");
                await NoSeriousAxeViolationsAsync(page, $"{name} ({suffix})", contrast: suffix == "desktop");
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}-{suffix}.png"), FullPage = true });
                await _context!.DisposeAsync();
                _context = null;
            }
        }
    }
}
