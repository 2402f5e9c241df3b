using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace Matching.Tests.Api;

/// <summary>
/// A logger provider every <see cref="ApiFactory"/> host writes to: each line (message, structured values, exception)
/// is scanned as it is written for a newcomer's attribute values, and any hit is kept with its line. Scopes are left
/// out: they hold the request's path and trace ids, and the fuzz tests' random ids spell "A2" now and then.
/// <see cref="LogPrivacySetUp"/> fails the run when one was seen; <see cref="LogPrivacyTests"/> proves it can fail.
/// </summary>
internal sealed partial class LogCapture : ILoggerProvider, ISupportExternalScope
{
    public static readonly LogCapture Instance = new();

    /// <summary>
    /// Attribute values the API tests send for newcomers that no log line has any business holding: CEFR levels, the
    /// places, interests, birth year, gender and bridging language of <see cref="ApiFactory.NewcomerBody"/> and its
    /// variants. Matched as whole words, case-sensitively (places, levels) or not (the rest). "en" is left out: it is
    /// also the reasons' language in query strings.
    /// </summary>
    private static readonly HashSet<string> Forbidden = new(StringComparer.Ordinal)
    {
        "A0", "A1", "A2", "B1", "B2", "C1", "C2",
        "Gent", "Gentt", "Ledeberg", "Antwerpen", "Antwrpen", "Brugge", "Oostende",
        "football", "cooking", "1994", "female", "ar",
    };

    private readonly ConcurrentQueue<(string Token, string Line)> _violations = new();
    private IExternalScopeProvider? _scopes = new LoggerExternalScopeProvider();
    private long _lines;

    /// <summary>Lines captured since the process started.</summary>
    public long Lines => Interlocked.Read(ref _lines);

    /// <summary>Every hit so far: the value and the line it was in.</summary>
    public IReadOnlyList<(string Token, string Line)> Violations => _violations.ToArray();

    /// <summary>The forbidden values in <paramref name="line"/>.</summary>
    /// <remarks>Percent-escapes are no words: a fuzzed path's %ED%A0%80 holds no level.</remarks>
    public static IEnumerable<string> Scan(string line) =>
        Words().Matches(Escapes().Replace(line, " ")).Select(m => m.Value).Where(w => Forbidden.Contains(w) || Forbidden.Contains(w.ToLowerInvariant())).Distinct();

    /// <summary>Removes and returns the hits whose line holds <paramref name="marker"/> (a planted line's own).</summary>
    public IReadOnlyList<(string Token, string Line)> Take(string marker)
    {
        var taken = new List<(string, string)>();
        var kept = new List<(string, string)>();
        while (_violations.TryDequeue(out var v)) (v.Line.Contains(marker, StringComparison.Ordinal) ? taken : kept).Add(v);
        foreach (var v in kept) _violations.Enqueue(v);
        return taken;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
        // Shared by every host in the run: nothing to release.
    }

    private void Write(string category, string line)
    {
        Interlocked.Increment(ref _lines);
        foreach (var token in Scan(line)) _violations.Enqueue((token, $"{category}: {line}"));
    }

    [GeneratedRegex("[A-Za-z0-9]+")]
    private static partial Regex Words();

    [GeneratedRegex("%[0-9A-Fa-f]{2}")]
    private static partial Regex Escapes();

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = new System.Text.StringBuilder(formatter(state, exception));
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values) line.Append(' ').Append(key).Append('=').Append(value);
            }
            if (exception is not null) line.Append(' ').Append(exception);
            owner.Write(category, line.ToString());
        }
    }
}

/// <summary>After every API test has run: not one log line held a newcomer's attribute value.</summary>
[SetUpFixture]
public sealed class LogPrivacySetUp
{
    [OneTimeTearDown]
    public void NoLogLineHeldANewcomerAttribute()
    {
        var violations = LogCapture.Instance.Violations;
        violations.Should().BeEmpty($"no log line may hold a newcomer's attribute value ({LogCapture.Instance.Lines} lines captured; values hit: "
            + string.Join(", ", violations.GroupBy(v => v.Token).Select(g => $"{g.Key}×{g.Count()}")) + "); the first hits: "
            + string.Join(" | ", violations.Take(5).Select(v => $"'{v.Token}' in {v.Line}")));
    }
}
