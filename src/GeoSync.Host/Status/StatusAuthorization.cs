namespace GeoSync.Host.Status;

/// <summary>Checks the status (read) token; with none configured, the read API is open (the engine binds to loopback by default).</summary>
public sealed class StatusAuthorization(string? token)
{
    private readonly byte[]? _hash = token is null ? null : BearerToken.Hash(token);

    public bool IsAllowed(HttpRequest request) =>
        _hash is null || (BearerToken.Read(request) is { } presented && BearerToken.Matches(BearerToken.Hash(presented), _hash));
}
