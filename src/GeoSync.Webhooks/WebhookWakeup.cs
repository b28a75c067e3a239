namespace GeoSync.Webhooks;

/// <summary>
/// Wakes the dispatcher when deliveries are queued in this process, so they go out at once rather than at the next
/// poll. (Deliveries queued by another node are found by polling.)
/// </summary>
public sealed class WebhookWakeup
{
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes at the next <see cref="Notify"/>. Take it before looking for work and wait on it after, so a
    /// notification in between is not missed.
    /// </summary>
    public Task Signal => Volatile.Read(ref _signal).Task;

    /// <summary>Wakes whoever waits on the current <see cref="Signal"/>.</summary>
    public void Notify() =>
        Interlocked.Exchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
