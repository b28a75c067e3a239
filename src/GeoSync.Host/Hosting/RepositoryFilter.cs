using GeoSync.Domain.Topology;
using GeoSync.Persistence;

namespace GeoSync.Host.Hosting;

/// <summary>Which repositories a listing returns: those matching a glob and in at least one of some states.</summary>
/// <param name="Match">The repository glob (as topology rules write them).</param>
/// <param name="AnyOf">Any region in one of these states, or <see cref="RepositoryStates.None"/> for every repository.</param>
public sealed record RepositoryFilter(RepositoryGlob Match, RepositoryStates AnyOf)
{
    /// <summary>Every repository.</summary>
    public static RepositoryFilter All { get; } = new(RepositoryGlob.All, RepositoryStates.None);

    /// <summary>
    /// The glob's text before its first wildcard: every match starts with it, so the database reads only that range
    /// of its key and the glob itself is tested on what the range holds.
    /// </summary>
    public string LiteralPrefix => Match.Pattern.IndexOf('*', StringComparison.Ordinal) is var star and >= 0 ? Match.Pattern[..star] : Match.Pattern;

    /// <summary>
    /// Whether a repository whose events are accepted but whose status is not yet published belongs: it is Pending.
    /// </summary>
    public bool IncludesUnpublished => AnyOf == RepositoryStates.None || AnyOf.HasFlag(RepositoryStates.Pending);
}

/// <summary>One page of a listing: names in ordinal order, and the last of them when more follow.</summary>
public sealed record RepositoryPage(IReadOnlyList<string> Repositories, string? LastWhenMore);
