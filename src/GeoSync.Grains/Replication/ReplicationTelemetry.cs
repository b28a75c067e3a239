using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace GeoSync.Grains.Replication;

/// <summary>The replication component's trace source and instruments (<c>GeoSync.Replication</c>).</summary>
public static class ReplicationTelemetry
{
    /// <summary>The name of the ActivitySource and the Meter.</summary>
    public const string Name = "GeoSync.Replication";

    /// <summary>Spans of replication work: one per region sync, one per blob transfer.</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Bytes written into region stores, tagged by region and copy mode (streamed, server-side).</summary>
    public static readonly Counter<long> BytesCopied = Meter.CreateCounter<long>("geosync.blob.bytes_copied", "By", "Bytes written into a region's store");

    /// <summary>Bytes copied over each link, tagged <c>from</c> and <c>to</c> (the source and target regions): the egress a sync causes.</summary>
    public static readonly Counter<long> LinkBytes = Meter.CreateCounter<long>("geosync.link.bytes", "By", "Bytes copied from one region into another");

    /// <summary>What those bytes cost at the link's price, tagged <c>from</c>, <c>to</c> and <c>currency</c>; only priced links count.</summary>
    public static readonly Counter<double> LinkCost = Meter.CreateCounter<double>("geosync.link.cost", "{currency}", "Egress cost of bytes copied over priced links");

    /// <summary>Blobs a region needed but already held (only a link was written).</summary>
    public static readonly Counter<long> DedupHits = Meter.CreateCounter<long>("geosync.blob.dedup_hits", "{blob}", "Blobs a region already held");

    /// <summary>Blob transfers, tagged by region and outcome.</summary>
    public static readonly Counter<long> Transfers = Meter.CreateCounter<long>("geosync.blob.transfers", "{transfer}", "Blob transfers by outcome");

    /// <summary>Push-to-Synced lag per region.</summary>
    public static readonly Histogram<double> Lag = Meter.CreateHistogram<double>("geosync.replication.lag", "s", "Seconds from the registry's push to Synced in a region");

    /// <summary>Region syncs, tagged by region and outcome.</summary>
    public static readonly Counter<long> RegionSyncs = Meter.CreateCounter<long>("geosync.replication.region_syncs", "{sync}", "Region syncs by outcome");
}
