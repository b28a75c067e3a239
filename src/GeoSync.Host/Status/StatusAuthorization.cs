using System.Security.Cryptography;
using System.Text;

namespace GeoSync.Host.Status;

/// <summary>Checks the status (read) token; with none configured, the read API is open (the engine binds to loopback by default).</summary>
public sealed class StatusAuthorization(string? token)
{
    private readonly byte[]? _hash = token is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));

    public bool IsAllowed(HttpRequest request)
    {
        if (_hash is null)
        {
            return true;
        }

        string? header = request.Headers.Authorization;
        const string prefix = "Bearer ";
        if (header is null || !header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(header[prefix.Length..].Trim())), _hash);
    }
}
