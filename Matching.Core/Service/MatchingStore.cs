using Matching.Contracts;
using Matching.Diagnostics;
using Matching.Geo;
using Matching.Ranking;
using Matching.Storage;

namespace Matching.Service;

/// <summary>
/// What the rooms (<see cref="NewcomersService"/>, <see cref="OffersService"/>, <see cref="MatchesService"/>, …)
/// share: the database with its one write gate, the engine with its offer index, the mapper and the clock. Register
/// one per process; every room takes it.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class MatchingStore
{
    /// <summary>Creates the store; <see cref="ServiceStartup.Start"/> migrates and loads the index.</summary>
    public MatchingStore(IMatchingDatabase db, MatchingEngine engine, DocumentMapper mapper, IGazetteer gazetteer, TimeProvider time, MatchingTelemetry? telemetry = null)
    {
        Telemetry = telemetry ?? new MatchingTelemetry();
        Database = db;
        Engine = engine;
        Mapper = mapper;
        Gazetteer = gazetteer;
        Writer = new WriteContext(db, time, Telemetry);
    }

    /// <summary>The database.</summary>
    public IMatchingDatabase Database { get; }

    /// <summary>The ranking engine with its offer index.</summary>
    public MatchingEngine Engine { get; }

    /// <summary>Whether <see cref="ServiceStartup.Start"/> has loaded the index.</summary>
    public bool IndexLoaded { get; internal set; }

    /// <summary>The rooms' metrics; the host's, or one of the store's own.</summary>
    public MatchingTelemetry Telemetry { get; }

    /// <summary>The stored newcomers in memory, kept current by every newcomer and match write and by the change feed.</summary>
    internal NewcomerIndex Newcomers { get; } = new();

    /// <summary>Whether <see cref="Newcomers"/> has been loaded (before, the rooms read newcomers from the database).</summary>
    internal bool NewcomersLoaded { get; set; }

    internal DocumentMapper Mapper { get; }

    internal IGazetteer Gazetteer { get; }

    internal WriteContext Writer { get; }
}
