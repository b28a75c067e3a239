using GeoSync.Domain.Replication;
using GeoSync.Domain.Topology;
using GeoSync.Host.Client;
using GeoSync.Host.Status;

namespace GeoSync.Host.Cli;

/// <summary>The listing <c>geosync status</c> shows without a repository, from <c>--match</c> and <c>--state</c>.</summary>
internal static class StatusListing
{
    /// <summary>The query, or null when an option is bad (or given with a repository).</summary>
    public static RepositoryPageQuery? Read(string? match, string? state, bool repositoryNamed) =>
        Problem(match, state, repositoryNamed).Length > 0
            ? null
            : new RepositoryPageQuery { Match = match, State = state ?? RepositoryListRequest.Attention };

    /// <summary>What is wrong with the options, or empty.</summary>
    public static string Problem(string? match, string? state, bool repositoryNamed)
    {
        if (repositoryNamed && (match is not null || state is not null))
        {
            return "--match and --state select among all repositories: give them without a REPOSITORY";
        }

        if (match is not null && !RepositoryGlob.TryParse(match, out _, out string? globError))
        {
            return $"--match: {globError}";
        }

        bool knownState = state is null
            || string.Equals(state, RepositoryListRequest.Attention, StringComparison.OrdinalIgnoreCase)
            || Enum.GetNames<ReplicationState>().Contains(state, StringComparer.OrdinalIgnoreCase);
        return knownState ? string.Empty : $"--state: '{state}' is none of {string.Join(", ", Enum.GetNames<ReplicationState>())}, {RepositoryListRequest.Attention}";
    }
}
