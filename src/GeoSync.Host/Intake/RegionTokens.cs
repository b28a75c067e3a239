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

    public RegionTokens(RegionTopology topology, SecretResolver secrets)
    {
        foreach (Region region in topology.Regions)
        {
            if (region.Registry.NotificationToken is { } reference)
            {
                _tokens.Add((region.Name, BearerToken.Hash(secrets.Resolve(reference))));
            }
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
