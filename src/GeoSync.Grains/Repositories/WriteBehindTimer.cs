using System.Diagnostics;

namespace GeoSync.Grains.Repositories;

/// <summary>
/// The one timer a repository grain writes behind with (its status and its checkpoint, in one turn). Each writer asks
/// for a tick by a deadline; the timer fires at the earliest asked for, and a writer whose deadline is still ahead asks
/// again. It is re-armed rather than created again, so a busy repository costs one timer and a turn per delay, not one
/// of each per change. Deadlines are on the monotonic clock the grain timer itself runs on. Used from the grain's turns only.
/// </summary>
internal sealed class WriteBehindTimer(IGrainBase grain, Func<Task> flush)
{
    private IGrainTimer? _timer;
    private long? _due;

    /// <summary>A deadline <paramref name="delay"/> from now.</summary>
    public static long DeadlineIn(TimeSpan delay) => Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Whether <paramref name="deadline"/> has passed.</summary>
    public static bool Passed(long deadline) => Stopwatch.GetTimestamp() >= deadline;

    /// <summary>Ticks no later than <paramref name="deadline"/>.</summary>
    public void ArmBy(long deadline)
    {
        if (_due <= deadline)
        {
            return;
        }

        _timer ??= grain.RegisterGrainTimer(OnTickAsync, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), Math.Max(deadline, Stopwatch.GetTimestamp())), Timeout.InfiniteTimeSpan);
        _due = deadline;
    }

    private Task OnTickAsync()
    {
        _due = null;
        return flush();
    }
}
