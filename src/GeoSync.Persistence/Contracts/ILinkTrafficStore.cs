namespace GeoSync.Persistence;

/// <summary>Bytes copied over one link (from one region into another) on one UTC day.</summary>
/// <param name="Day">The UTC day the bytes were copied.</param>
/// <param name="From">The source region.</param>
/// <param name="To">The target region.</param>
/// <param name="Bytes">Bytes copied.</param>
public sealed record LinkTrafficDay(DateOnly Day, string From, string To, long Bytes);

/// <summary>
/// Durable egress totals per link and UTC day. Nodes count copies in memory and add them here in batches, so the
/// totals grow by one write per flush, never one per blob.
/// </summary>
public interface ILinkTrafficStore
{
    /// <summary>Adds each entry's bytes to its (day, from, to) total in one transaction; at most one entry per key.</summary>
    Task AddAsync(IReadOnlyList<LinkTrafficDay> increments, CancellationToken cancellationToken = default);

    /// <summary>The totals of <paramref name="since"/> and later (every day when null), by day, source and target.</summary>
    Task<IReadOnlyList<LinkTrafficDay>> ListAsync(DateOnly? since = null, CancellationToken cancellationToken = default);
}
