namespace GeoSync.Testing;

/// <summary>Awaits a condition with a deadline instead of sleeping a guessed amount.</summary>
public static class Eventually
{
    // One evaluation may run a little past the deadline (a last status read) before it counts as stuck.
    private static readonly TimeSpan StuckGrace = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds; fails with <paramref name="what"/> after
    /// <paramref name="timeout"/>, also when one evaluation of the condition never returns (a hang fails the test
    /// that met it instead of the whole run).
    /// </summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        TimeSpan delay = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            Task<bool> check = condition();
            bool holds;
            try
            {
                holds = await check.WaitAsync(Remaining(deadline) + StuckGrace).ConfigureAwait(false);
            }
            catch (TimeoutException e) when (!check.IsCompleted)
            {
                throw new TimeoutException($"a check did not return within {(timeout + StuckGrace).TotalSeconds:0.#} s: {what}", e);
            }

            if (holds)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"condition not met within {timeout.TotalSeconds:0.#} s: {what}");
            }

            await Task.Delay(delay).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 200));
        }
    }

    private static TimeSpan Remaining(DateTime deadline) => deadline > DateTime.UtcNow ? deadline - DateTime.UtcNow : TimeSpan.Zero;

    /// <summary>Synchronous-condition overload of <see cref="HoldsAsync(Func{Task{bool}}, TimeSpan, string)"/>.</summary>
    public static Task HoldsAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        HoldsAsync(() => Task.FromResult(condition()), timeout, what);
}
