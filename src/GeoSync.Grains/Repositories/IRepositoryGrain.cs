namespace GeoSync.Grains.Repositories;

/// <summary>
/// One grain per repository (keyed by the repository name): applies that repository's events in acceptance order,
/// decides what each tag should point at, and drives every target region to it, regions in parallel and isolated.
/// </summary>
public interface IRepositoryGrain : IGrainWithStringKey
{
    /// <summary>New events for this repository were committed to the inbox.</summary>
    Task NotifyAsync();

    /// <summary>Compares the source and target stores and replicates the difference (anti-entropy).</summary>
    Task<int> ResyncAsync(string? tag);

    /// <summary>The repository's tags × regions as they stand now.</summary>
    Task<RepositoryState> GetStateAsync();

    /// <summary>
    /// For the repository's region workers: records the outcome of a piece of work and hands out the region's next
    /// one, or null when none is due (the worker then ends).
    /// </summary>
    Task<RegionWork?> ReportAsync(RegionWorkResult result);

    /// <summary>For the region workers: how far the copy of a piece of work in flight is (the status shows it).</summary>
    Task ProgressAsync(RegionWork work, CopyProgress progress);

    /// <summary>An operator's retry: the selected abandoned regions are due again; returns how many.</summary>
    Task<int> RetryAbandonedAsync(AbandonedSelection selection);

    /// <summary>An operator's drop: the selected abandoned regions are removed, durably; returns how many.</summary>
    Task<int> DropAbandonedAsync(AbandonedSelection selection);
}
