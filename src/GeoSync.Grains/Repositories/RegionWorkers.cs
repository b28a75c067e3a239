namespace GeoSync.Grains.Repositories;

/// <summary>
/// What a repository grain has in flight, in memory only: one <see cref="RegionWorker"/> task per region, the work
/// handed out to each, and the timer that wakes the grain for the earliest retry. Used from the grain's turns only,
/// so its timer is the grain's; none of it survives the activation, and the state read back has nothing Copying.
/// </summary>
internal sealed class RegionWorkers(IGrainBase grain, Func<Task> retryDue, TimeProvider timeProvider)
{
    private readonly Dictionary<string, Task> _workers = new(StringComparer.Ordinal);
    private readonly HashSet<(string Region, string Key)> _inFlight = [];
    private IGrainTimer? _retryTimer;
    private DateTimeOffset _retryAt;

    /// <summary>Work handed out and not yet reported, by region and key (tag, or digest of a manifest deletion).</summary>
    public IReadOnlySet<(string Region, string Key)> InFlight => _inFlight;

    /// <summary>True while <paramref name="region"/> has a worker that has not found itself idle.</summary>
    public bool IsRunning(string region) => _workers.ContainsKey(region);

    /// <summary>Starts a worker in <paramref name="region"/> (none runs there).</summary>
    public void Start(string region, Func<Task> run) =>
        // Off the grain's scheduler: the worker calls back into the grain as ordinary messages.
        _workers.Add(region, Task.Run(run));

    public void HandedOut(RegionWork work) => _inFlight.Add((work.Region, work.Key));

    public void Reported(RegionWork work) => _inFlight.Remove((work.Region, work.Key));

    /// <summary>
    /// The region's worker found nothing due and ends. Forgotten inside the turn, so a later turn that finds work
    /// starts a fresh worker (no lost wake-up).
    /// </summary>
    public void Idle(string region) => _workers.Remove(region);

    /// <summary>Forgets workers that have ended and returns the work they held without reporting it.</summary>
    public IReadOnlyList<(string Region, string Key)> ForgetEnded()
    {
        List<(string Region, string Key)> abandoned = [];
        foreach (string region in _workers.Where(w => w.Value.IsCompleted).Select(w => w.Key).ToList())
        {
            _workers.Remove(region);
            abandoned.AddRange(_inFlight.Where(w => w.Region == region));
        }

        _inFlight.ExceptWith(abandoned);
        return abandoned;
    }

    /// <summary>
    /// While a failed region waits for its next attempt, a timer wakes the grain when the earliest one is due (a timer
    /// that fires a little early finds nothing due and sets the next one), so retries follow their backoff, not the reminder.
    /// </summary>
    public void ScheduleRetry(DateTimeOffset? nextRetryAt)
    {
        if (nextRetryAt is not DateTimeOffset next || (_retryTimer is not null && _retryAt <= next))
        {
            return;
        }

        _retryTimer?.Dispose();
        _retryAt = next;
        TimeSpan delay = next - timeProvider.GetUtcNow();
        _retryTimer = grain.RegisterGrainTimer(RetryDueAsync, delay > TimeSpan.Zero ? delay : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    private Task RetryDueAsync()
    {
        _retryTimer?.Dispose();
        _retryTimer = null;
        return retryDue();
    }
}
