using System.Runtime.InteropServices;

namespace GeoSync.Persistence.GroupCommit;

/// <summary>
/// Raises a commit thread's scheduling priority. Every durable write of the process, and so every 202, waits on
/// that one thread; on saturated cores a thread at normal priority spends most of its time runnable but not
/// running (measured on the intake benchmark, 2 cores: 3.3 s of every 5 s in the run queue, 0.8 s on a core), and
/// throughput is capped by those waits, not by the disk. The thread's share grows at nice <see cref="Nice"/>.
/// </summary>
/// <remarks>
/// Linux only (.NET does not map <see cref="Thread.Priority"/> to the scheduler there). Raising a priority needs
/// <c>CAP_SYS_NICE</c> or an <c>RLIMIT_NICE</c> of at least 30 (systemd: <c>LimitNICE=-10</c>); without either the
/// thread keeps the normal priority and the loop logs why.
/// </remarks>
internal static class CommitThreadPriority
{
    /// <summary>The nice value asked for (lower runs sooner; 0 is normal, -20 the highest).</summary>
    public const int Nice = -10;

    private const int PriorityProcess = 0;

    /// <summary>Raises the calling thread; null when done, otherwise why not.</summary>
    public static string? TryRaiseCurrentThread()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "thread priorities are only raised on Linux";
        }

        try
        {
            // With PRIO_PROCESS, a thread id names that one thread on Linux.
            return setpriority(PriorityProcess, gettid(), Nice) == 0
                ? null
                : $"setpriority refused ({Marshal.GetLastPInvokeErrorMessage()}): grant CAP_SYS_NICE or LimitNICE={Nice}";
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A C library without gettid (glibc before 2.30, some musl builds): the commit thread must run regardless.
            return $"the C library offers no {e.Message}";
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, int who, int prio);

    [DllImport("libc")]
    private static extern int gettid();
}
