namespace Matching.Benchmarks;

/// <summary>A clock stopped at 09:00 UTC on one day, so that every run scores the same pairs the same way.</summary>
internal sealed class FixedTime(DateOnly day) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => new(day.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero);
}
