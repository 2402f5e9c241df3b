using System.Collections.Concurrent;
using System.Text.Json;
using Dapper;
using Matching.Scoring;
using Matching.Storage;

namespace Matching.Service;

/// <summary>
/// Named, versioned weight profiles: read (through a cache), resolve for ranking, list, and create or replace.
/// A profile's weights are normalised and rounded once, on write; the cache and a reload from the database serve
/// exactly the stored values.
/// </summary>
/// <remarks>Thread-safe.</remarks>
public sealed class WeightProfilesService(MatchingStore store)
{
    private readonly WriteContext _writer = store.Writer;
    private readonly ConcurrentDictionary<string, WeightProfile> _cache = new(StringComparer.Ordinal);

    /// <summary>A stored profile, or null.</summary>
    public WeightProfile? Get(string name)
    {
        if (_cache.TryGetValue(name, out var cached)) return cached;
        var json = _writer.Read(c => c.QuerySingleOrDefault<string>(ProfileSql.Document, new { name }));
        if (json is null) return null;
        var profile = WeightProfile.Parse(json, out _);
        if (profile is not null) _cache[name] = profile;
        return profile;
    }

    /// <summary>The profile to rank with: the named one, or the default when no name is given; null when the name is unknown.</summary>
    public WeightProfile? Resolve(string? name) => Get(string.IsNullOrEmpty(name) ? WeightProfile.Default.Name : name);

    /// <summary>Names and versions of every stored profile.</summary>
    public IReadOnlyList<ProfileRef> List() =>
        _writer.Read(c => c.Query<(string Name, long Version)>(ProfileSql.List).Select(p => new ProfileRef(p.Name, (int)p.Version)).ToList());

    /// <summary>Creates or replaces a profile; each change gets the next version.</summary>
    /// <remarks>ifMatch, the caller's If-Match (null: none), is checked against the stored version inside the write.</remarks>
    public Result<WeightProfileDocument> Put(WeightProfileDocument? document, string actor, string? ifMatch = null) => Put(document, actor, keepVersion: false, ifMatch);

    /// <summary>A profile's ETag: its version, which every change bumps.</summary>
    public static string TagOf(int version) => $"\"v{version}\"";

    /// <summary>
    /// Stores a profile at start-up (the shipped default, a folder of profiles): kept at its own version, and only when
    /// no equal or newer version is stored.
    /// </summary>
    internal void PutAtStart(WeightProfile profile) => Put(profile.ToDocument(), "system", keepVersion: true);

    /// <summary>Forgets a cached profile (another instance changed it); the next read loads it again.</summary>
    internal void Forget(string name) => _cache.TryRemove(name, out _);

    private Result<WeightProfileDocument> Put(WeightProfileDocument? document, string actor, bool keepVersion, string? ifMatch = null)
    {
        if (document is null) return Result<WeightProfileDocument>.Invalid("", "A profile object is required.");
        var validated = WeightProfile.Create(document, out var errors);
        if (validated is null) return Result<WeightProfileDocument>.Invalid(errors);
        WeightProfile? stored = null;
        var created = _writer.Write((c, t) =>
        {
            // A new name has no row to lock: two creations of it would both read no version and both store version 1.
            _writer.LockName(c, t, "profile:" + validated.Name);
            var current = c.QuerySingleOrDefault<long?>(ProfileSql.Version + _writer.ForUpdate, new { name = validated.Name }, t);
            if (!ETags.Allows(ifMatch, current is null ? null : TagOf((int)current))) return (bool?)null;
            if (keepVersion && current is not null && current >= validated.Version)
            {
                stored = WeightProfile.Parse(c.QuerySingle<string>(ProfileSql.Document, new { name = validated.Name }, t), out _);
                return false;
            }
            var version = keepVersion ? validated.Version : (int)(current ?? 0) + 1;
            stored = validated.WithIdentity(validated.Name, version);
            var json = JsonSerializer.Serialize(stored.ToDocument(), WeightProfileDocument.JsonOptions);
            c.Execute(ProfileSql.Upsert, new { name = stored.Name, version, json, now = _writer.Now() }, t);
            _writer.Audit(c, t, actor, "profile.saved", "profile", stored.Name, $"version={version}");
            _writer.Changed(c, t, "profile", stored.Name);
            return current is null;
        }, after: _ => { if (stored is not null) _cache[stored.Name] = stored; });
        if (created is null) return Result<WeightProfileDocument>.Stale();
        return (created == true ? Result<WeightProfileDocument>.Created(stored!.ToDocument()) : Result<WeightProfileDocument>.Ok(stored!.ToDocument()))
            with { Tag = TagOf(stored.Version) };
    }
}
