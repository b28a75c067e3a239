using GeoSync.Domain.Topology;

namespace GeoSync.Host.Intake;

/// <summary>
/// Knows each region's notification bearer token and finds the region a request comes from. Tokens are compared
/// as SHA-256 hashes with a fixed-time comparison, so neither the length nor the content of a token leaks
/// through timing; the tokens themselves are held only here and never logged.
/// </summary>
public sealed class RegionTokens
{
    private readonly List<(string Region, byte[] Hash)> _tokens = [];

    /// <summary>
    /// Resolves every region's token. Two regions whose tokens resolve to the same value (different references, one
    /// value) are a <see cref="TopologyValidationException"/> naming both and printing neither token: every event would
    /// be credited to one of them.
    /// </summary>
    public RegionTokens(RegionTopology topology, SecretResolver secrets)
    {
        var errors = new List<TopologyError>();
        for (int i = 0; i < topology.Regions.Count; i++)
        {
            Region region = topology.Regions[i];
            if (region.Registry.NotificationToken is not { } reference)
            {
                continue;
            }

            byte[] hash = BearerToken.Hash(secrets.Resolve(reference));
            if (_tokens.FirstOrDefault(t => BearerToken.Matches(hash, t.Hash)) is { Region: { } first })
            {
                errors.Add(new TopologyError(topology.File, $"$.regions[{i}].registry.notificationToken", $"resolves to the same token as region '{first}'; each region needs its own"));
            }

            _tokens.Add((region.Name, hash));
        }

        if (errors.Count > 0)
        {
            throw new TopologyValidationException(errors);
        }
    }

    /// <summary>The region whose token is <paramref name="bearerToken"/>, or null.</summary>
    public string? RegionOf(string? bearerToken)
    {
        if (string.IsNullOrEmpty(bearerToken))
        {
            return null;
        }

        byte[] presented = BearerToken.Hash(bearerToken);
        string? match = null;
        foreach ((string region, byte[] hash) in _tokens)
        {
            // Every token is compared, so the time taken does not say which region matched.
            if (BearerToken.Matches(presented, hash))
            {
                match ??= region;
            }
        }

        return match;
    }
}
