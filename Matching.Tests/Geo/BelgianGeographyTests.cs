using System.Diagnostics;
using System.Security.Cryptography;
using Matching.Geo;
using Matching.Model;

namespace Matching.Tests.Geo;

public class BelgianGeographyTests
{
    private static readonly BelgianGeography B = BelgianGeography.Default;
    private static readonly Gazetteer G = Gazetteer.Default;

    private static GeoResolution Resolve(string? postcode, string? place)
    {
        B.TryResolve(postcode, place, out var resolution, out var problem)
            .Should().BeTrue($"'{postcode} {place}' should resolve, but: {problem?.Message}");
        return resolution!;
    }

    private static GeoProblem Refuse(string? postcode, string? place)
    {
        B.TryResolve(postcode, place, out var resolution, out var problem)
            .Should().BeFalse($"'{postcode} {place}' should not resolve, but gave {resolution}");
        return problem!;
    }

    private static GeoPoint GazetteerPoint(string name)
    {
        G.TryResolve(name, out var place).Should().BeTrue();
        return place.Point;
    }

    // --- counts ------------------------------------------------------------------------------------------------

    [Test]
    public void Municipalities_Default_Are565With285FlemishAnd19BrusselsAnd261Walloon()
    {
        B.Municipalities.Should().HaveCount(565);
        B.Municipalities.Count(m => m.Region == "VLG").Should().Be(285);
        B.Municipalities.Count(m => m.Region == "BRU").Should().Be(19);
        B.Municipalities.Count(m => m.Region == "WAL").Should().Be(261);
        B.Municipalities.Select(m => m.Nis).Should().OnlyHaveUniqueItems().And.BeInAscendingOrder(StringComparer.Ordinal);
        B.PostalPlaces.Should().HaveCount(3093);
        B.PostalPlaces.Select(p => p.Postcode).Distinct().Should().HaveCount(1143);
    }

    [Test]
    public void Municipalities_Centres_AreWithheldOnlyInWallonia()
    {
        B.Municipalities.Where(m => m.Region != "WAL").Should().OnlyContain(m => m.Centre != null);
        B.Municipalities.Count(m => m.Centre == null).Should().Be(205);
    }

    [Test]
    public void Municipalities_Name_IsDutchElseFrenchElseGerman()
    {
        B.TryGetMunicipality("61031", out var huy).Should().BeTrue();
        huy!.Name.Should().Be("Hoei");
        huy.NameFr.Should().Be("Huy");
        B.TryGetMunicipality("46030", out var bkz).Should().BeTrue();
        bkz!.Name.Should().Be("Beveren-Kruibeke-Zwijndrecht");
        bkz.Province.Should().Be("VOV", "Zwijndrecht moved from Antwerp to East Flanders");
        B.Municipalities.Should().OnlyContain(m => m.Name == (m.NameNl ?? m.NameFr ?? m.NameDe));
        B.TryGetMunicipality("99999", out _).Should().BeFalse();
    }

    // --- the 2025 mergers --------------------------------------------------------------------------------------

    [TestCase("2150", "BORSBEEK", "11002", "Antwerpen")]
    [TestCase("9150", "Kruibeke", "46030", "Beveren-Kruibeke-Zwijndrecht")]
    [TestCase("2070", "Zwijndrecht", "46030", "Beveren-Kruibeke-Zwijndrecht")]
    [TestCase("9840", "De Pinte", "44086", "Nazareth-De Pinte")]
    [TestCase("3720", "Kortessem", "71072", "Hasselt")]
    [TestCase("9050", "Ledeberg", "44021", "Gent")]
    [TestCase("9180", "Moerbeke-Waas", "46029", "Lokeren")]
    [TestCase("6686", "Bertogne", "82039", "Bastenaken")]
    public void TryResolve_MergedMunicipality_EveryFormGivesTheNewMunicipality(string postcode, string place, string nis, string name)
    {
        var byPostcode = Resolve(postcode, null);
        var byBoth = Resolve(postcode, place);
        var byPlace = Resolve(null, place);
        foreach (var r in new[] { byPostcode, byBoth, byPlace })
        {
            r.Municipality.Nis.Should().Be(nis);
            r.Municipality.Name.Should().Be(name);
        }
        byPostcode.Postcode.Should().Be(postcode);
        byPostcode.Place.Should().BeNull("only a place the caller gave is returned");
        byBoth.Postcode.Should().Be(postcode);
        byPlace.Postcode.Should().BeNull();
        // The point is where the place is, within a few km of the old municipality, not at the new one's centre;
        // none where the centre was withheld (Bastogne) and the gazetteer (Flanders and Brussels) cannot help.
        if (byPlace.Point is null) byBoth.Point.Should().BeNull();
        else GeoPoint.DistanceKm(byBoth.Point!.Value, byPlace.Point.Value).Should().BeLessThan(3);
    }

    [Test]
    public void TryResolve_Borsbeek_IsAntwerpenAtBorsbeeksPoint()
    {
        var r = Resolve("2150", null);
        r.Point.Should().Be(GazetteerPoint("Borsbeek"));
        Resolve("2150", "borsbeek").Place.Should().Be("Borsbeek");
    }

    // --- postcode and place ------------------------------------------------------------------------------------

    [Test]
    public void TryResolve_PostcodeAlone_IsTheMeanOfItsDeelgemeenten()
    {
        var r = Resolve("9050", null);
        var gentbrugge = GazetteerPoint("Gentbrugge");
        var ledeberg = GazetteerPoint("Ledeberg");
        r.Point!.Value.Lat.Should().BeApproximately((gentbrugge.Lat + ledeberg.Lat) / 2, 1e-5);
        r.Point!.Value.Lon.Should().BeApproximately((gentbrugge.Lon + ledeberg.Lon) / 2, 1e-5);
    }

    [Test]
    public void TryResolve_PostcodeOfMainLocality_IsTheMainLocalitysPoint()
    {
        // 8800 lists Beveren, Oekene, ROESELARE and Rumbeke; the postcode stands for Roeselare itself.
        Resolve("8800", null).Point.Should().Be(GazetteerPoint("Roeselare"));
        Resolve("9000", null).Point.Should().Be(GazetteerPoint("Gent"));
    }

    [Test]
    public void TryResolve_PostcodeWithPlace_IsThatPlacesPoint()
    {
        var r = Resolve("9050", "Ledeberg");
        r.Point.Should().Be(GazetteerPoint("Ledeberg"));
        r.Place.Should().Be("Ledeberg");
        Resolve("9050", "Gentbrugge").Point.Should().Be(GazetteerPoint("Gentbrugge"));
    }

    [TestCase("9050", "LEDEBERG", "Ledeberg")]
    [TestCase("9050", "ledeberg", "Ledeberg")]
    [TestCase("2960", "Sint-Job-In-'T-Goor", "Sint-Job-in-'t-Goor")]
    [TestCase("2960", "sint job in t goor", "Sint-Job-in-'t-Goor")]
    [TestCase("2970", "'s-Gravenwezel", "'s-Gravenwezel")]
    [TestCase("2970", "S GRAVENWEZEL", "'s-Gravenwezel")]
    [TestCase("8691", "Beveren aan de IJzer", "Beveren-Aan-De-Ijzer")] // as published: the gazetteer does not know it
    [TestCase("1050", "ixelles", "Elsene")]
    [TestCase("4500", "Tihange", "Tihange")]
    [TestCase("7000", "Cuesmes", "Cuesmes (7000)")]
    [TestCase("9180", "MOERBEKE-WAAS", "Moerbeke-Waas")]
    public void TryResolve_PlaceSpelledDifferently_GivesTheCanonicalName(string postcode, string place, string canonical)
    {
        Resolve(postcode, place).Place.Should().Be(canonical);
    }

    [TestCase("9050", "Gent", "44021")]
    [TestCase("9000", "Ghent", "44021")]
    [TestCase("2150", "Antwerpen", "11002")]
    [TestCase("2000", "Anvers", "11002")]
    [TestCase("9130", "Beveren-Kruibeke-Zwijndrecht", "46030")]
    public void TryResolve_PostcodeWithItsMunicipalitysName_IsAccepted(string postcode, string place, string nis)
    {
        Resolve(postcode, place).Municipality.Nis.Should().Be(nis);
    }

    [Test]
    public void TryResolve_PostcodeWithAHamletTheGazetteerKnows_IsAccepted()
    {
        // Sinaai is a deelgemeente of Sint-Niklaas that BeST lists under no label of its own (it is under 9112).
        var r = Resolve("9112", "Sinaai");
        r.Municipality.Nis.Should().Be("46021");
        r.Point.Should().Be(GazetteerPoint("Sinaai"));
    }

    [Test]
    public void TryResolve_EveryPostalPlaceWithItsPostcode_GivesItsMunicipality()
    {
        foreach (var p in B.PostalPlaces)
        {
            foreach (var label in p.Labels)
            {
                Resolve(p.Postcode, label).Municipality.Should().Be(p.Municipality, $"{p.Postcode} {label}");
            }
        }
    }

    [Test]
    public void TryResolve_TheCanonicalNameItGives_ResolvesAgainToTheSameLocation()
    {
        // A stored document holds the canonical name and is validated again when it is read back.
        foreach (var p in B.PostalPlaces)
        {
            foreach (var label in p.Labels)
            {
                var first = Resolve(p.Postcode, label);
                Resolve(p.Postcode, first.Place).Should().Be(first, $"{p.Postcode} {label}");
            }
        }
        foreach (var m in B.Municipalities)
        {
            foreach (var name in new[] { m.NameNl, m.NameFr, m.NameDe }.OfType<string>())
            {
                if (!B.TryResolve(null, name, out var first, out _)) continue; // a name of two municipalities
                Resolve(null, first.Place).Should().Be(first, name);
            }
        }
    }

    [Test]
    public void TryResolve_EveryMunicipalityName_GivesThatMunicipalityUnlessTheGazetteerMeansAnother()
    {
        foreach (var m in B.Municipalities)
        {
            foreach (var name in new[] { m.NameNl, m.NameFr, m.NameDe }.OfType<string>())
            {
                var r = Resolve(null, name);
                // Saint-Nicolas (Liège) is also the French name of Sint-Niklaas, which the gazetteer knows by it.
                if (name == "Saint-Nicolas") r.Municipality.Nis.Should().Be("46021");
                else r.Municipality.Should().Be(m, name);
            }
        }
    }

    [Test]
    public void TryResolve_PostcodeAndPlaceThatDoNotBelongTogether_IsAProblemWithSuggestions()
    {
        var problem = Refuse("9050", "Borgerhout");
        problem.Field.Should().Be("");
        problem.Suggestions.Should().Contain(["9050 Gentbrugge", "9050 Ledeberg", "2140 Borgerhout (Antwerpen)"]);
        problem.Message.Should().Contain("9050").And.Contain("Borgerhout").And.Contain("Bedoelde u");

        Refuse("2150", "Kruibeke").Suggestions.Should().Contain(["2150 Borsbeek", "9150 Kruibeke (Beveren-Kruibeke-Zwijndrecht)"]);
        Refuse("9000", "Nergenshuizen").Suggestions.Should().Contain("9000 Gent");
    }

    [TestCase("905")]
    [TestCase("90500")]
    [TestCase("9O50")]
    [TestCase(" 9050")]
    [TestCase("9050 ")]
    [TestCase("0999")]
    [TestCase("")]
    [TestCase("٩٠٥٠")]
    public void TryResolve_MalformedPostcode_IsAPostcodeProblemWithoutSuggestions(string postcode)
    {
        var problem = Refuse(postcode, null);
        problem.Field.Should().Be("postcode");
        problem.Message.Should().Contain("4 digits");
        problem.Suggestions.Should().BeEmpty();
        Refuse(postcode, "Ledeberg").Field.Should().Be("postcode");
    }

    [Test]
    public void TryResolve_UnknownPostcode_SuggestsTheNearestPostcodes()
    {
        var problem = Refuse("9053", null);
        problem.Field.Should().Be("postcode");
        problem.Suggestions.Should().Equal("9052 Gent", "9051 Gent", "9050 Gent");
        problem.Message.Should().Be("Unknown postcode '9053'. Bedoelde u / did you mean: 9052 Gent, 9051 Gent, 9050 Gent?");
        Refuse("9999", null).Suggestions.Should().StartWith("9992 Maldegem");
        Refuse("1001", null).Suggestions.Should().StartWith("1000 Brussel");
    }

    // --- Brussels' shared postcodes ----------------------------------------------------------------------------

    [TestCase("1040", "21005", "Etterbeek")]
    [TestCase("1050", "21009", "Elsene")]
    [TestCase("1060", "21013", "Sint-Gillis")]
    public void TryResolve_SharedBrusselsPostcodeAlone_IsTheMunicipalityItIsNamedAfter(string postcode, string nis, string name)
    {
        var r = Resolve(postcode, null);
        r.Municipality.Nis.Should().Be(nis);
        r.Municipality.Name.Should().Be(name);
        r.Point.Should().Be(GazetteerPoint(name));
        Resolve(postcode, name).Municipality.Nis.Should().Be(nis);
    }

    [TestCase("1040", "Brussel")]
    [TestCase("1050", "Bruxelles")]
    [TestCase("1060", "brussel")]
    public void TryResolve_SharedBrusselsPostcodeWithBrussel_IsTheCityOfBrussels(string postcode, string place)
    {
        var r = Resolve(postcode, place);
        r.Municipality.Nis.Should().Be("21004");
        r.Place.Should().Be("Brussel");
    }

    // --- place alone -------------------------------------------------------------------------------------------

    [Test]
    public void TryResolve_EveryGazetteerPlace_KeepsItsNameAndPoint()
    {
        foreach (var g in G.Places)
        {
            var r = Resolve(null, g.Name);
            r.Place.Should().Be(g.Name);
            r.Point.Should().Be(g.Point);
            r.Municipality.Region.Should().Be(g.Region, g.Name);
        }
    }

    [TestCase("Gent", "44021")]
    [TestCase("Ghent", "44021")]
    [TestCase("Gand", "44021")]
    [TestCase("Anvers", "11002")]
    [TestCase("Berchem", "11002")]            // the Antwerp district, not the one in Kluisbergen
    [TestCase("Beveren", "46030")]            // Beveren-Waas, as the gazetteer chose, not the Beveren of Roeselare or Waregem
    [TestCase("Saint-Nicolas", "46021")]      // the gazetteer's exonym for Sint-Niklaas, not 62093 in Liège
    [TestCase("Forest", "21007")]
    [TestCase("Ixelles", "21009")]
    [TestCase("Tielt", "37022")]
    [TestCase("Heist", "31043")]              // a gazetteer place BeST does not label: Knokke-Heist
    [TestCase("Eupen", "63023")]
    [TestCase("Bergen", "53053")]             // Mons by its Dutch name
    [TestCase("Welkenrath", "63084")]         // an alias
    [TestCase("Tongres", "73111")]
    [TestCase("Tihange", "61031")]
    public void TryResolve_PlaceAlone_GivesItsMunicipality(string place, string nis)
    {
        Resolve(null, place).Municipality.Nis.Should().Be(nis);
    }

    [Test]
    public void TryResolve_WalloonPlaceWithoutACentre_HasNoPoint()
    {
        var r = Resolve(null, "Huy");
        r.Municipality.Nis.Should().Be("61031");
        r.Point.Should().BeNull();
        r.Place.Should().Be("Hoei");
        Resolve("4500", null).Point.Should().BeNull();
    }

    [Test]
    public void TryResolve_PlaceInTwoMunicipalities_AsksForThePostcode()
    {
        var problem = Refuse(null, "Ohain");
        problem.Field.Should().Be("place");
        problem.Suggestions.Should().Equal("1380 Ohain (Lasne)", "1410 Ohain (Waterloo)");
        Resolve("1380", "Ohain").Municipality.Nis.Should().Be("25119");
        Resolve("1410", "Ohain").Municipality.Nis.Should().Be("25110");
    }

    [Test]
    public void TryResolve_UnknownPlace_SuggestsClosestNames()
    {
        var problem = Refuse(null, "Ledebergg");
        problem.Field.Should().Be("place");
        problem.Suggestions.Should().Contain("Ledeberg");
        problem.Message.Should().Contain("Bedoelde u / did you mean: ");
        Refuse(null, "Borsbek").Suggestions.Should().Contain("Borsbeek");
        Refuse(null, "Xqzzy").Suggestions.Should().BeEmpty();
        Refuse(null, "--").Field.Should().Be("place");
    }

    [Test]
    public void TryResolve_NeitherPostcodeNorPlace_IsAProblem()
    {
        Refuse(null, null).Field.Should().Be("");
    }

    // --- coordinates -------------------------------------------------------------------------------------------

    [Test]
    public void MunicipalityOf_EveryCentre_IsThatMunicipality()
    {
        foreach (var m in B.Municipalities.Where(m => m.Centre != null))
        {
            B.MunicipalityOf(m.Centre!.Value).Should().Be(m);
        }
    }

    [TestCase("Zwijndrecht", "46030")]  // nearer to Antwerpen's centre than to its own municipality's
    [TestCase("Borsbeek", "11002")]
    [TestCase("Kortessem", "71072")]
    [TestCase("Ledeberg", "44021")]
    [TestCase("Sinaai", "46021")]
    public void MunicipalityOf_DeelgemeentePoint_IsItsMunicipality(string place, string nis)
    {
        B.MunicipalityOf(GazetteerPoint(place))!.Nis.Should().Be(nis);
    }

    [Test]
    public void MunicipalityOf_RandomPoints_AgreesWithAPlainScanOfCentresAndDeelgemeentePoints()
    {
        var anchors = B.Municipalities.Where(m => m.Centre != null).Select(m => (Point: m.Centre!.Value, Municipality: m))
            .Concat(B.PostalPlaces.Where(p => p.Point != null).Select(p => (Point: p.Point!.Value, p.Municipality)))
            .ToArray();
        var random = new Random(11);
        for (var i = 0; i < 2_000; i++)
        {
            var point = new GeoPoint(49.45 + random.NextDouble() * 2.1, 2.55 + random.NextDouble() * 3.9);
            var expected = anchors.MinBy(a => GeoPoint.DistanceKm(point, a.Point)).Municipality;
            B.MunicipalityOf(point).Should().Be(expected, $"{point}");
        }
    }

    [TestCase(48.85, 2.35)]   // Paris
    [TestCase(52.37, 4.90)]   // Amsterdam
    [TestCase(0, 0)]
    public void MunicipalityOf_PointOutsideBelgium_IsNull(double lat, double lon)
    {
        B.MunicipalityOf(new GeoPoint(lat, lon)).Should().BeNull();
    }

    [Test]
    public void MunicipalityOf_PointNearACentre_IsThatMunicipality()
    {
        // 300 m from the centre of Leuven.
        B.MunicipalityOf(new GeoPoint(50.88231, 4.70494))!.Name.Should().Be("Leuven");
    }

    // --- loading -----------------------------------------------------------------------------------------------

    [Test]
    public void Load_MalformedRow_ThrowsNamingFileAndLine()
    {
        const string municipalities = "nis,region,province,name_nl,name_fr,name_de,lat,lon\n11001,VLG,VAN,Aartselaar,,,51.13071,4.38328\n1100,VLG,VAN,Boom,,,51.1,4.3\n";
        const string places = "postcode,place_nl,place_fr,place_de,nis,source\n";
        const string aliases = "alias,nis,kind,municipality\n";
        var act = () => BelgianGeography.Load(new StringReader(municipalities), new StringReader(places), new StringReader(aliases), G);
        act.Should().Throw<FormatException>().WithMessage("municipalities.csv line 3*");

        const string goodMunicipalities = "nis,region,province,name_nl,name_fr,name_de,lat,lon\n11001,VLG,VAN,Aartselaar,,,51.13071,4.38328\n";
        var unknownNis = () => BelgianGeography.Load(new StringReader(goodMunicipalities),
            new StringReader(places + "2630,AARTSELAAR,,,11002,best\n"), new StringReader(aliases), G);
        unknownNis.Should().Throw<FormatException>().WithMessage("postal_places.csv line 2: unknown NIS '11002'.");
        var badPostcode = () => BelgianGeography.Load(new StringReader(goodMunicipalities),
            new StringReader(places + "263,AARTSELAAR,,,11001,best\n"), new StringReader(aliases), G);
        badPostcode.Should().Throw<FormatException>().WithMessage("postal_places.csv line 2*");
    }

    // --- the import script -------------------------------------------------------------------------------------

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Matching.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("No Matching.sln above the test directory.");
    }

    private static readonly string[] DataFiles = ["municipalities.csv", "postal_places.csv", "aliases.csv", "center_checks.csv"];

    [Test]
    public void ImportScript_Checksums_MatchTheCommittedFiles()
    {
        // The script writes SHA256SUMS beside its output: a file edited by hand instead of re-imported fails here.
        var folder = Path.Combine(RepoRoot(), "data", "be-geography");
        var sums = File.ReadAllLines(Path.Combine(folder, "SHA256SUMS"))
            .Select(l => l.Split("  ", 2))
            .ToDictionary(p => p[1], p => p[0]);
        sums.Keys.Should().BeEquivalentTo(DataFiles);
        foreach (var file in DataFiles)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, file))));
            hash.Should().Be(sums[file], file);
        }
    }

    [Test]
    public void ImportScript_Embedded_IsTheCommittedFiles()
    {
        var folder = Path.Combine(RepoRoot(), "data", "be-geography");
        B.Municipalities.Should().HaveCount(File.ReadAllLines(Path.Combine(folder, "municipalities.csv")).Length - 1);
        B.PostalPlaces.Should().HaveCount(File.ReadAllLines(Path.Combine(folder, "postal_places.csv")).Length - 1);
    }

    [Test]
    public void ImportScript_RunOnTheCommittedFiles_GivesTheSameBytes()
    {
        var root = RepoRoot();
        var output = Path.Combine(Path.GetTempPath(), "be-geography-" + Guid.NewGuid().ToString("N"));
        try
        {
            var (code, text) = RunNode(root, Path.Combine(root, "data", "be-geography"), output);
            code.Should().Be(0, text);
            foreach (var file in DataFiles.Append("SHA256SUMS"))
            {
                File.ReadAllBytes(Path.Combine(output, file)).Should().Equal(File.ReadAllBytes(Path.Combine(root, "data", "be-geography", file)), file);
            }
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    [Test]
    public void ImportScript_MalformedRow_FailsNamingTheLineAndWritesNothing()
    {
        var root = RepoRoot();
        var source = Path.Combine(Path.GetTempPath(), "be-geography-src-" + Guid.NewGuid().ToString("N"));
        var output = Path.Combine(Path.GetTempPath(), "be-geography-out-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(source);
            foreach (var file in DataFiles) File.Copy(Path.Combine(root, "data", "be-geography", file), Path.Combine(source, file));
            var lines = File.ReadAllLines(Path.Combine(source, "postal_places.csv"));
            lines[5] = lines[5].Replace(",best", ",maybe", StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(source, "postal_places.csv"), string.Join('\n', lines) + "\n");

            var (code, text) = RunNode(root, source, output);
            code.Should().Be(1);
            text.Should().Contain("postal_places.csv:6").And.Contain("maybe");
            Directory.Exists(output).Should().BeFalse();
        }
        finally
        {
            if (Directory.Exists(source)) Directory.Delete(source, recursive: true);
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    /// <summary>Runs the import script; a machine without node reports these tests as ignored, by name, never as passed.</summary>
    private static (int ExitCode, string Output) RunNode(string root, string source, string output)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(root, "data", "tools", "import-be-geography.mjs"));
        start.ArgumentList.Add(source);
        start.ArgumentList.Add("--out");
        start.ArgumentList.Add(output);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Ignore("node is not on PATH: the import script was not run (ImportScript_Checksums_MatchTheCommittedFiles still checks the files).");
            throw; // not reached
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout.Result + stderr);
        }
    }
}
