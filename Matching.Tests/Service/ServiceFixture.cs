using Matching.Contracts;
using Matching.Geo;
using Matching.Model;
using Matching.Ranking;
using Matching.Service;
using Matching.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Matching.Tests.Service;

/// <summary>
/// Every room over one real SQLite file in a temp folder, wired as the host wires them, with a fixed clock.
/// <see cref="Another"/> is a second process's set of rooms on the same file (its own index, cache and write gate).
/// </summary>
internal sealed class ServiceFixture : IDisposable
{
    private readonly string _folder;
    private readonly bool _ownsFile;

    public ServiceFixture(string? databaseFile = null, FakeTimeProvider? clock = null, IMatchingDatabase? database = null)
    {
        _ownsFile = databaseFile is null;
        DatabaseFile = databaseFile ?? Path.Combine(Path.GetTempPath(), "matching-tests", Guid.NewGuid().ToString("N"), "matching.db");
        _folder = Path.GetDirectoryName(DatabaseFile)!;
        Directory.CreateDirectory(_folder);
        Clock = clock ?? TestData.Clock();
        Database = database ?? new SqliteDatabase($"Data Source={DatabaseFile}");
        var mapper = new DocumentMapper(Gazetteer.Default, InterestTaxonomy.Default, LanguageRegistry.Default, Clock);
        Store = new MatchingStore(Database, new MatchingEngine(Clock, InterestTaxonomy.Default, LanguageRegistry.Default), mapper, Gazetteer.Default, Clock);
        Newcomers = new NewcomersService(Store);
        Offers = new OffersService(Store);
        Profiles = new WeightProfilesService(Store);
        Matches = new MatchesService(Store, Newcomers, Offers, Profiles);
        Allocations = new AllocationsService(Store, Newcomers, Offers);
        Audit = new AuditService(Store);
        Suggestions = new SuggestionsService(Store, Newcomers);
        Imports = new ImportsService(Store, Newcomers, Offers);
        Feed = new ChangeFeed(Store, Offers, Profiles, Newcomers);
        Startup = new ServiceStartup(Store, Feed, Profiles, Newcomers, Offers);
        Startup.Start();
    }

    public string DatabaseFile { get; }
    public FakeTimeProvider Clock { get; }
    public IMatchingDatabase Database { get; }
    public MatchingStore Store { get; }
    public NewcomersService Newcomers { get; }
    public OffersService Offers { get; }
    public WeightProfilesService Profiles { get; }
    public MatchesService Matches { get; }
    public AllocationsService Allocations { get; }
    public AuditService Audit { get; }
    public SuggestionsService Suggestions { get; }
    public ImportsService Imports { get; }
    public ChangeFeed Feed { get; }
    public ServiceStartup Startup { get; }

    /// <summary>Every room over a PostgreSQL database (the caller owns it), wired as the host wires them.</summary>
    public static ServiceFixture OnPostgres(string connectionString) => new(database: new PostgresDatabase(connectionString));

    /// <summary>A second instance on the same database file, started after this one; the first one's disposal removes the file.</summary>
    public ServiceFixture Another()
    {
        return new ServiceFixture(DatabaseFile, Clock);
    }

    public static NewcomerDocument NewcomerDocument(string id = "nc-1") => DocumentMapper.ToDocument(TestData.Newcomer(id));

    public static OfferDocument OfferDocument(string id = "offer-1", int capacity = 2) =>
        DocumentMapper.ToDocument(TestData.Offer(id) with { Capacity = capacity });

    /// <summary>Stores a newcomer and an offer that match.</summary>
    public void SeedPair(string newcomerId = "nc-1", string offerId = "offer-1", int capacity = 2)
    {
        Newcomers.Put(newcomerId, NewcomerDocument(newcomerId), "test").Outcome.Should().BeOneOf(Outcome.Created, Outcome.Ok);
        Offers.Put(offerId, OfferDocument(offerId, capacity), "test").Outcome.Should().BeOneOf(Outcome.Created, Outcome.Ok);
    }

    /// <summary>Proposes and accepts a match of the pair; returns its id.</summary>
    public string Accept(string newcomerId = "nc-1", string offerId = "offer-1")
    {
        var proposed = Matches.Create(newcomerId, offerId, null, null, "test");
        proposed.Outcome.Should().Be(Outcome.Created);
        Matches.Move(proposed.Value!.Id, MatchStatus.Accepted, null, null, "test").Outcome.Should().Be(Outcome.Ok);
        return proposed.Value.Id;
    }

    public void Dispose()
    {
        (Database as IDisposable)?.Dispose();
        if (!_ownsFile) return;
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
