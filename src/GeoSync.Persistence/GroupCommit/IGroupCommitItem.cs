namespace GeoSync.Persistence.GroupCommit;

/// <summary>One caller's write waiting in a <see cref="GroupCommitLoop{TItem}"/>.</summary>
internal interface IGroupCommitItem
{
    /// <summary>
    /// Called when the writer takes the item into a batch: false when its caller has given up (cancelled) in the
    /// meantime, and the item is then completed as cancelled and not written.
    /// </summary>
    bool TryStart();

    /// <summary>Completes the caller's task with a failure (no-op when already completed).</summary>
    void Fail(Exception exception);
}
