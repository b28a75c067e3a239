using System.Security.Cryptography;
using System.Text;

namespace GeoSync.Host;

/// <summary>
/// Bearer tokens as the HTTP API checks them: read from <c>Authorization: Bearer &lt;token&gt;</c> and compared as
/// SHA-256 hashes in fixed time, so neither a token's length nor its content leaks through timing.
/// </summary>
public static class BearerToken
{
    private const string Prefix = "Bearer ";

    /// <summary>The token the request presents, or null.</summary>
    public static string? Read(HttpRequest request)
    {
        string? header = request.Headers.Authorization;
        return header is not null && header.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase) ? header[Prefix.Length..].Trim() : null;
    }

    /// <summary>The hash a token is compared by.</summary>
    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>True when <paramref name="presented"/> hashes to <paramref name="expectedHash"/>.</summary>
    public static bool Matches(byte[] presented, byte[] expectedHash) => CryptographicOperations.FixedTimeEquals(presented, expectedHash);
}
