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
}
