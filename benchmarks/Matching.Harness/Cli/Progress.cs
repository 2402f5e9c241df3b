using System.Diagnostics;

namespace Matching.Harness.Cli;

/// <summary>Progress lines on standard error with the time since the start, so that stdout stays clean for --json.</summary>
/// <remarks>Thread-safe: the replay reports from several threads.</remarks>
internal sealed class Progress(TextWriter error, bool quiet)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();

    /// <summary>Writes one line unless quiet.</summary>
    public void Report(string message)
    {
        if (quiet) return;
        lock (_gate) error.WriteLine(FormattableString.Invariant($"[{_clock.Elapsed.TotalSeconds,6:F1} s] {message}"));
    }
}
