using System.Diagnostics;
using Matching.Diagnostics;

namespace Matching.Service;

/// <summary>
/// The order in which committed writes update this process's in-memory state (the offer and newcomer indexes, the
/// profile cache): a write takes a turn right before its commit, and turns apply one at a time, inside the write gate, in
/// the order taken (why that order is commit order for writes of the same rows: <see cref="WriteContext"/>'s remarks).
/// </summary>
internal sealed class WriteTurns(MatchingTelemetry telemetry)
{
    private readonly Lock _gate = new();
    private readonly Lock _turns = new();
    private readonly Dictionary<long, PendingUpdate> _pending = []; // turn → a committed write's update waiting to apply
    private bool _draining; // a thread is applying the pending updates
    private long _issued; // the last turn handed out
    private long _done; // the last turn that has applied (turns apply one at a time, in order)

    /// <summary>Whether this thread is applying an update now (a turn taken here would wait for itself).</summary>
    public bool Applying => _gate.IsHeldByCurrentThread;

    /// <summary>Hands out the next turn at the in-memory state.</summary>
    public long Take()
    {
        lock (_turns) return ++_issued;
    }

    /// <summary>
    /// Runs <paramref name="apply"/> inside the gate once every earlier turn has applied, and passes the turn on (also
    /// when <paramref name="apply"/> throws, whose exception is then rethrown here). Whoever finds the gate free applies
    /// its own update and then every later one already waiting in turn order, so that a queue of committed writes is
    /// applied by one running thread rather than each woken in turn: on two cores, a chain of dozens of wake-ups, each
    /// waiting for the CPU, made a write wait tens of milliseconds for the turns before it.
    /// </summary>
    public void Apply(long turn, Action apply)
    {
        var update = new PendingUpdate(apply, Stopwatch.GetTimestamp());
        bool drains;
        lock (_turns)
        {
            _pending[turn] = update;
            drains = !_draining && _done == turn - 1;
            if (drains) _draining = true;
        }
        if (drains) Drain();
        // Applied by the thread that drained it, or by this one just now.
        update.Done.Wait();
        if (update.Failure is { } failure) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    /// <summary>Applies the waiting updates in turn order until the next turn's has not arrived yet.</summary>
    private void Drain()
    {
        while (true)
        {
            PendingUpdate? next;
            lock (_turns)
            {
                if (!_pending.Remove(_done + 1, out next))
                {
                    _draining = false;
                    return;
                }
            }
            try
            {
                lock (_gate)
                {
                    telemetry.GateEntered(next.Since);
                    next.Apply();
                }
            }
            catch (Exception e)
            {
                next.Failure = e;
            }
            lock (_turns) _done++;
            next.Done.Set();
        }
    }

    /// <summary>A committed write's update of the in-memory state, waiting for its turn.</summary>
    private sealed class PendingUpdate(Action apply, long since)
    {
        public Action Apply { get; } = apply;
        public long Since { get; } = since;
        public Exception? Failure { get; set; }
        // Not disposed: the draining thread may still be inside Set when the owner wakes, and without a wait handle asked
        // for the event holds nothing to release.
        public ManualResetEventSlim Done { get; } = new();
    }
}
