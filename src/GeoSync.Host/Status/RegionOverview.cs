using GeoSync.Domain.Content;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Regions;
using GeoSync.Grains.Repositories;
using GeoSync.Host.Hosting;
using GeoSync.Persistence.Webhooks;

namespace GeoSync.Host.Status;

/// <summary>One region as <c>GET /v1/regions</c> shows it.</summary>
/// <param name="Region">The region's name.</param>
/// <param name="Reachable">Whether the store answered a cheap probe within the timeout.</param>
/// <param name="ProbeError">Why the probe failed, or null.</param>
/// <param name="ProbeMilliseconds">How long the probe took.</param>
/// <param name="Backlog">(tag, region) records with work left: not Synced, Deleted nor Abandoned.</param>
/// <param name="PendingWebhooks">Deploy-webhook deliveries of the region still Pending.</param>
/// <param name="BytesCopied">Bytes that crossed into the region, over all tags.</param>
/// <param name="Synced">Synced (tag, region) records, the sample of the lag percentiles.</param>
/// <param name="LagP50Milliseconds">Median lag from push to Synced, or null without samples.</param>
/// <param name="LagP99Milliseconds">99th percentile lag, or null without samples.</param>
/// <param name="States">(tag or deletion, region) records per replication state, every state named.</param>
public sealed record RegionOverview(
    string Region,
    bool Reachable,
    string? ProbeError,
    double ProbeMilliseconds,
    long Backlog,
    long PendingWebhooks,
    long BytesCopied,
    long Synced,
    double? LagP50Milliseconds,
    double? LagP99Milliseconds,
    IReadOnlyDictionary<string, long> States);

/// <summary>Computes <see cref="RegionOverview"/>s from the repositories' published status, the outbox and a store probe.</summary>
public sealed class RegionOverviewReader(RepositoryCatalog catalog, RegionDirectory regions, IWebhookOutbox outbox, TimeProvider time)
{
    // The digest of empty content: statting it is a cheap read every store answers (usually "absent").
    private static readonly Digest ProbeDigest = Digest.Compute([]);

    public async Task<IReadOnlyList<RegionOverview>> ReadAsync(TimeSpan probeTimeout, CancellationToken cancellationToken = default)
    {
        var backlog = new Dictionary<string, long>(StringComparer.Ordinal);
        var bytes = new Dictionary<string, long>(StringComparer.Ordinal);
        var lags = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        var states = new Dictionary<string, SortedDictionary<string, long>>(StringComparer.Ordinal);
        foreach (string region in regions.Names)
        {
            backlog[region] = 0;
            bytes[region] = 0;
            lags[region] = [];
            states[region] = new(Enum.GetNames<ReplicationState>().ToDictionary(n => n, _ => 0L), StringComparer.Ordinal);
        }

        await foreach ((string _, RepositoryState state) in catalog.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (TagRecord tag in state.Tags.Values)
            {
                foreach ((string region, RegionTagRecord record) in tag.Regions)
                {
                    if (!backlog.ContainsKey(region))
                    {
                        continue;
                    }

                    bytes[region] += record.BytesCopied;
                    states[region][record.State.ToString()]++;
                    if (record.HasWork)
                    {
                        backlog[region]++;
                    }
                    else if (record.State == ReplicationState.Synced && record.SyncedAt is { } synced)
                    {
                        lags[region].Add(Math.Max(0, (synced - tag.Desired.Timestamp).TotalMilliseconds));
                    }
                }
            }

            foreach (DeletionRecord deletion in state.Deletions.Values)
            {
                foreach ((string region, RegionTagRecord record) in deletion.Regions)
                {
                    if (!backlog.ContainsKey(region))
                    {
                        continue;
                    }

                    states[region][record.State.ToString()]++;
                    if (record.HasWork)
                    {
                        backlog[region]++;
                    }
                }
            }
        }

        IEnumerable<Task<RegionOverview>> overviews = regions.Names.Select(async region =>
        {
            (bool reachable, string? error, double ms) = await ProbeAsync(region, probeTimeout, cancellationToken).ConfigureAwait(false);
            long pending = await outbox.CountPendingAsync(region, cancellationToken).ConfigureAwait(false);
            List<double> sample = lags[region];
            sample.Sort();
            return new RegionOverview(region, reachable, error, ms, backlog[region], pending, bytes[region], sample.Count, Percentile(sample, 0.50), Percentile(sample, 0.99), states[region]);
        });
        return await Task.WhenAll(overviews).ConfigureAwait(false);
    }

    /// <summary>Nearest-rank percentile of a sorted sample.</summary>
    internal static double? Percentile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return null;
        }

        int rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    private async Task<(bool Reachable, string? Error, double Milliseconds)> ProbeAsync(string region, TimeSpan timeout, CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            _ = await regions[region].Store.StatBlobAsync(ProbeDigest, cts.Token).WaitAsync(cts.Token).ConfigureAwait(false);
            return (true, null, time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, $"no answer within {timeout.TotalMilliseconds:0} ms", time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The exception type only: store messages may carry URLs with credentials.
            return (false, ex is Storage.RegionStoreException s ? s.Failure.ToString() : ex.GetType().Name, time.GetElapsedTime(started).TotalMilliseconds);
        }
    }
}
