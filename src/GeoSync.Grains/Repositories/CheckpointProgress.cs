namespace GeoSync.Grains.Repositories;

/// <summary>
/// Write-behind bookkeeping of a repository grain, without I/O: whether its state differs from what was written,
/// how many events were applied since, which inbox sequence the written state holds, and up to which sequence the
/// inbox is marked applied (-1: not known in this activation).
/// </summary>
public sealed class CheckpointProgress(long writtenSequence)
{
    /// <summary>After this many unwritten events the state is written at once rather than behind.</summary>
    public const int InboxBatch = 500;

    public bool Dirty { get; private set; }

    public int UnwrittenEvents { get; private set; }

    public long WrittenSequence { get; private set; } = writtenSequence;

    public long MarkedSequence { get; private set; } = -1;

    /// <summary>A long backlog is checkpointed as it is applied, so a crash replays at most one batch of it.</summary>
    public bool BatchFull => UnwrittenEvents >= InboxBatch;

    /// <summary>Whether a checkpoint has anything to do: write the state, or mark the inbox up to it.</summary>
    public bool Pending => Dirty || MarkedSequence < WrittenSequence;

    public void Applied(int events)
    {
        Dirty = true;
        UnwrittenEvents += events;
    }

    public void Changed() => Dirty = true;

    public void Written(long sequence)
    {
        Dirty = false;
        UnwrittenEvents = 0;
        WrittenSequence = sequence;
    }

    public void Marked(long sequence) => MarkedSequence = sequence;
}
