namespace GeoSync.Grains.Repositories;

/// <summary>
/// When a failed region is tried again: exponential backoff with full jitter, from 1 s up to 5 minutes, so a region
/// that is down for a while is polled gently and many repositories do not retry in lockstep.
/// </summary>
public static class RetrySchedule
{
    private static readonly TimeSpan First = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Cap = TimeSpan.FromMinutes(5);

    /// <summary>The delay before attempt number <paramref name="failedAttempts"/> + 1.</summary>
    public static TimeSpan Delay(int failedAttempts)
    {
        double ceiling = Math.Min(Cap.TotalMilliseconds, First.TotalMilliseconds * Math.Pow(2, Math.Clamp(failedAttempts - 1, 0, 20)));
        // Half fixed, half random: never retries immediately, never all at once.
        double delay = (ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2);
        return TimeSpan.FromMilliseconds(delay);
    }
}
