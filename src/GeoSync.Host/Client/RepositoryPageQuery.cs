namespace GeoSync.Host.Client;

/// <summary>What <see cref="GeoSyncClient.ListRepositoryPageAsync"/> asks for; null leaves the engine's default.</summary>
public sealed record RepositoryPageQuery
{
    /// <summary>A repository glob, e.g. <c>team/**</c>.</summary>
    public string? Match { get; init; }

    /// <summary>A replication state, or <c>attention</c> for any not Synced nor Deleted.</summary>
    public string? State { get; init; }

    /// <summary>At most this many names.</summary>
    public int? Limit { get; init; }

    /// <summary>The <c>next</c> of the page before.</summary>
    public string? After { get; init; }

    /// <summary>The query string, with its <c>?</c>, or empty.</summary>
    public string ToQueryString()
    {
        var parts = new List<string>();
        if (Limit is { } limit)
        {
            parts.Add($"limit={limit}");
        }

        if (Match is not null)
        {
            parts.Add($"match={Uri.EscapeDataString(Match)}");
        }

        if (State is not null)
        {
            parts.Add($"state={Uri.EscapeDataString(State)}");
        }

        if (After is not null)
        {
            parts.Add($"after={Uri.EscapeDataString(After)}");
        }

        return parts.Count == 0 ? string.Empty : "?" + string.Join('&', parts);
    }
}
