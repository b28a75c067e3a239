using GeoSync.Host.Client;
using GeoSync.Host.Status;

namespace GeoSync.Host.Cli;

/// <summary>What <c>geosync status</c> looks at: every repository, one repository, or one tag.</summary>
internal sealed class StatusSelection(GeoSyncClient client, string? token, string? repository, string? tag)
{
    /// <summary>Reads the selected repositories, keeping only the selected tag when one is given.</summary>
    public async Task<IReadOnlyList<RepositoryStatus>> ReadAsync(CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> names = repository is null
            ? await client.ListRepositoriesAsync(token, cancellationToken).ConfigureAwait(false)
            : [repository];
        var statuses = new List<RepositoryStatus>();
        foreach (string name in names)
        {
            RepositoryStatus status = await client.GetRepositoryAsync(name, token, cancellationToken).ConfigureAwait(false);
            statuses.Add(tag is null ? status : status with { Tags = [.. status.Tags.Where(t => t.Tag == tag)] });
        }

        return statuses;
    }

    private bool Found(IReadOnlyList<RepositoryStatus> statuses) => repository is null || statuses.Any(s => s.Tags.Count > 0);

    /// <summary>True when every region of every selected tag is Synced or Deleted (a named repository or tag must exist).</summary>
    public bool AllSettled(IReadOnlyList<RepositoryStatus> statuses) =>
        Found(statuses) && statuses.All(s => s.AllSettled);

    /// <summary>
    /// True when nothing selected is still moving: no region is Pending, Copying, or Failed with a retry scheduled.
    /// A transient failure is not an end; only a settled or a terminal state is.
    /// </summary>
    public bool Finished(IReadOnlyList<RepositoryStatus> statuses) =>
        Found(statuses) && !statuses.Any(s => s.Tags.Any(t => t.Regions.Any(IsMoving)));

    private static bool IsMoving(RegionStatus region) =>
        region.State is "Pending" or "Copying" || (region.State == "Failed" && region.NextAttemptAt is not null);
}
