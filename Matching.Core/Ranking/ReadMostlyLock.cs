namespace Matching.Ranking;

/// <summary>
/// A reader-writer lock for data read by every request and written rarely (the offer and newcomer indexes): a reader
/// costs one interlocked increment and one decrement and never waits for another reader; a writer announces itself,
/// so that new readers hold back, and waits for the readers inside to leave.
/// </summary>
/// <remarks>
/// Why not <see cref="ReaderWriterLockSlim"/>: it guards its own state with a spin lock that every reader takes on
/// entry and exit, and a reader that finds it held spins and then sleeps a millisecond. With 64 requests in flight on
/// two cores the holder is often preempted, and readers that never conflict sleep in turn (measured with
/// benchmarks/http/run-dense.sh: see benchmarks/README.md). Not recursive: a thread must not enter twice.
/// </remarks>
internal sealed class ReadMostlyLock
{
    private const int WriterBit = 1 << 30;
    private readonly Lock _writers = new();
    private int _state; // readers inside in the low bits, WriterBit while a writer holds or waits

    /// <summary>Enters as a reader; waits only while a writer holds or waits.</summary>
    public void EnterReadLock()
    {
        while (Interlocked.Increment(ref _state) >= WriterBit)
        {
            Interlocked.Decrement(ref _state);
            var spin = new SpinWait();
            while (Volatile.Read(ref _state) >= WriterBit) spin.SpinOnce();
        }
    }

    /// <summary>Leaves as a reader.</summary>
    public void ExitReadLock() => Interlocked.Decrement(ref _state);

    /// <summary>Enters as the one writer, once the readers inside have left.</summary>
    public void EnterWriteLock()
    {
        _writers.Enter();
        Interlocked.Add(ref _state, WriterBit);
        var spin = new SpinWait();
        while (Volatile.Read(ref _state) != WriterBit) spin.SpinOnce();
    }

    /// <summary>Leaves as the writer.</summary>
    public void ExitWriteLock()
    {
        Interlocked.Add(ref _state, -WriterBit);
        _writers.Exit();
    }
}
