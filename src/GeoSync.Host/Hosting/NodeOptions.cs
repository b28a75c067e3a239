namespace GeoSync.Host.Hosting;

/// <summary>Settings of a node that are not in the topology (tests and the demo adjust them).</summary>
public sealed class NodeOptions
{
    /// <summary>How long a grain stays active without calls before Orleans collects it.</summary>
    public TimeSpan GrainIdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How often the node wakes every repository with events still pending in the inbox: on a cluster, a node that
    /// died took its accepted-but-unwritten events' wake-ups with it, and the survivors pick them up here.
    /// </summary>
    public TimeSpan PendingSweepInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often applied events older than the topology's inbox retention are deleted.</summary>
    public TimeSpan InboxPruneInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>When false, no periodic reconciliation runs (resync on request still works).</summary>
    public bool PeriodicReconciliation { get; set; } = true;
}
