using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Domain.Text;
using GeoSync.Grains.Regions;
using GeoSync.Storage;
using Microsoft.Extensions.Logging;

namespace GeoSync.Grains.Blobs;

/// <summary>
/// Chooses where a blob is copied from: the cheapest region (by topology link cost) that holds it. A transfer asks it
/// before copying, and <c>geosync plan</c> asks it the same question without copying.
/// </summary>
public sealed partial class BlobSources(RegionDirectory regions, ILogger<BlobSources> logger)
{
    private readonly ILogger _logger = logger;

    /// <summary>
    /// The cheapest region other than <paramref name="region"/> holding <paramref name="digest"/>: regions cheaper than
    /// the cheapest of <paramref name="knownSources"/> are asked first, so a blob that already crossed the ocean once
    /// fans out from nearby.
    /// </summary>
    public async Task<string> ChooseAsync(string region, RepositoryName repository, Digest digest, IReadOnlyList<string> knownSources, CancellationToken cancellationToken = default)
    {
        List<string> known = [.. knownSources.Where(r => r != region && regions.Contains(r))];
        int knownCost = known.Count == 0 ? int.MaxValue : known.Min(r => regions.LinkCost(r, region));
        foreach (string candidate in regions.SourcesByCost(region))
        {
            int cost = regions.LinkCost(candidate, region);
            if (known.Contains(candidate) && cost == knownCost)
            {
                return candidate;
            }

            if (cost >= knownCost)
            {
                continue;
            }

            try
            {
                if (await regions[candidate].Store.StatBlobAsync(repository, digest, cancellationToken).ConfigureAwait(false) is not null)
                {
                    return candidate;
                }
            }
            catch (RegionStoreException ex)
            {
                // An unreachable cheaper region is no reason to fail: fall back to the known holder.
                LogCandidateUnavailable(candidate, digest.Short, LogText.Escape(ex.Message));
            }
        }

        return known.Count > 0
            ? known.OrderBy(r => regions.LinkCost(r, region)).First()
            : throw new RegionStoreException(region, $"find a source for {digest.Short}", RegionStoreFailure.NotFound, "no region is known to hold the blob");
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Region `{Region}` could not be asked for {Digest}: {Reason}")]
    private partial void LogCandidateUnavailable(string region, string digest, string reason);
}
