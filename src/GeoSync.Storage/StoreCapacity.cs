namespace GeoSync.Storage;

/// <summary>
/// How many metadata operations (stats, link reads and writes, listings) are worth running at once against the
/// resource behind one or more stores, and which stores share that resource. A local filesystem is bound by this
/// machine's cores, and every filesystem store of the process shares them (three local regions do not have three
/// machines' worth of CPU); a remote service is bound by its round trips, each store its own.
/// </summary>
/// <remarks>Compared by reference: stores that return the same instance share its slots.</remarks>
public sealed class StoreCapacity
{
    /// <param name="slots">Operations worth running at once (at least 1).</param>
    /// <param name="description">What the slots stand for, for logs and errors.</param>
    public StoreCapacity(int slots, string description)
    {
        Slots = Math.Max(1, slots);
        Description = description;
    }

    /// <summary>This machine's cores, shared by every local filesystem store of the process.</summary>
    public static StoreCapacity LocalCores { get; } = new(Environment.ProcessorCount, "this machine's cores");

    /// <summary>Operations worth running at once.</summary>
    public int Slots { get; }

    /// <summary>What the slots stand for.</summary>
    public string Description { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Slots} ({Description})";
}
