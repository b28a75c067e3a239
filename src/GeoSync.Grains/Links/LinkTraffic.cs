using System.Collections.Concurrent;
using System.Diagnostics;
using GeoSync.Domain.Topology;
using GeoSync.Grains.Regions;
using GeoSync.Grains.Replication;
using GeoSync.Persistence;

namespace GeoSync.Grains.Links;

/// <summary>
/// Egress accounting: every copy counts its bytes on its (from, to) link, as metrics at once and as durable totals per
/// UTC day. The totals wait in memory and are added to the database in one batch per <see cref="FlushAsync"/> (the
/// <see cref="LinkTrafficFlusher"/> calls it periodically and when the node stops), never one write per blob.
/// </summary>
public sealed class LinkTraffic(ILinkTrafficStore store, RegionDirectory regions, TimeProvider time)
{
    private readonly ConcurrentDictionary<(DateOnly Day, string From, string To), long> _pending = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);

    /// <summary>Counts <paramref name="bytes"/> copied from <paramref name="from"/> into <paramref name="to"/> now.</summary>
    public void Record(string from, string to, long bytes)
    {
        if (bytes <= 0 || from == to)
        {
            return;
        }

        var tags = new TagList { { "from", from }, { "to", to } };
        ReplicationTelemetry.LinkBytes.Add(bytes, tags);
        if (regions.Prices.PricePerGiB(from, to) is decimal price)
        {
            // Unrounded: many small copies must add up to what their bytes cost together.
            tags.Add("currency", regions.Prices.Currency);
            ReplicationTelemetry.LinkCost.Add((double)bytes * (double)price / LinkPrices.BytesPerGiB, tags);
        }

        DateOnly day = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        _pending.AddOrUpdate((day, from, to), bytes, (_, total) => total + bytes);
    }

    /// <summary>Adds what was counted since the last flush to the database, in one write; kept for the next flush if that fails.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        await _flushing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var batch = new List<LinkTrafficDay>();
            foreach ((DateOnly day, string from, string to) key in _pending.Keys)
            {
                if (_pending.TryRemove(key, out long bytes))
                {
                    batch.Add(new LinkTrafficDay(key.day, key.from, key.to, bytes));
                }
            }

            if (batch.Count == 0)
            {
                return;
            }

            try
            {
                await store.AddAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                foreach (LinkTrafficDay entry in batch)
                {
                    _pending.AddOrUpdate((entry.Day, entry.From, entry.To), entry.Bytes, (_, total) => total + entry.Bytes);
                }

                throw;
            }
        }
        finally
        {
            _flushing.Release();
        }
    }
}
