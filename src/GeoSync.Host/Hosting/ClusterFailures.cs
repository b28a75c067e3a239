using Orleans.Runtime;

namespace GeoSync.Host.Hosting;

/// <summary>Failures of a grain call that asking again fixes once membership has caught up with a lost node.</summary>
public static class ClusterFailures
{
    /// <summary>A silo not yet declared dead, a grain moving between silos, or a call timing out on either.</summary>
    public static bool IsTransient(Exception exception) =>
        exception is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException;
}
