namespace GeoSync.Grains.Regions;

/// <summary>
/// The filesystem store's operations block a pool thread for their fsyncs and renames (Linux has no asynchronous
/// fsync the runtime uses). The engine bounds how many run at once (each region's sync and transfer slots), so it
/// raises the pool's floor by that many threads: blocked store work then never leaves the intake, the grains and
/// the commit callbacks waiting for the pool's slow thread injection (measured: 654 events/s without it, about 1,000
/// with it, on the intake benchmark).
/// </summary>
internal static class ThreadPoolReservation
{
    /// <summary>Makes sure the pool keeps one thread per core plus <paramref name="blockingOperations"/> ready.</summary>
    public static void Reserve(int blockingOperations)
    {
        ThreadPool.GetMinThreads(out int workers, out int completionPorts);
        int wanted = Environment.ProcessorCount + blockingOperations;
        if (workers < wanted)
        {
            ThreadPool.SetMinThreads(wanted, completionPorts);
        }
    }
}
