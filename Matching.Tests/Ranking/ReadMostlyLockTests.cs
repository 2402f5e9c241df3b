using Matching.Ranking;

namespace Matching.Tests.Ranking;

public class ReadMostlyLockTests
{
    [Test]
    public void ReadersAndWriters_Concurrently_ReadersNeverSeeAHalfDoneWrite()
    {
        var gate = new ReadMostlyLock();
        long a = 0, b = 0; // a writer changes both; a reader must see them equal
        var torn = 0;
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                gate.EnterReadLock();
                try { if (Volatile.Read(ref a) != Volatile.Read(ref b)) Interlocked.Increment(ref torn); }
                finally { gate.ExitReadLock(); }
            }
        })).ToArray();
        var writers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                gate.EnterWriteLock();
                try
                {
                    Volatile.Write(ref a, a + 1);
                    Thread.SpinWait(20);
                    Volatile.Write(ref b, b + 1);
                }
                finally { gate.ExitWriteLock(); }
            }
        })).ToArray();

        Task.WaitAll([.. readers, .. writers]);

        torn.Should().Be(0);
        (a, b).Should().Be((4_000L, 4_000L));
    }
}
