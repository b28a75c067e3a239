using System.Security.Cryptography;
using System.Text;

namespace GeoSync.Testing.Webhooks;

/// <summary>
/// A receiver's check of a Standard Webhooks signature, written from the specification independently of GeoSync's
/// signer, so a test that verifies with it checks the signer rather than the signer against itself.
/// </summary>
public static class StandardWebhookVerifier
{
    /// <summary>
    /// True when one of the space-separated <c>v1,&lt;base64&gt;</c> entries of <paramref name="signatureHeader"/> is
    /// HMAC-SHA256 of <c>{id}.{timestamp}.{body}</c> under <paramref name="secret"/> (a <c>whsec_</c> secret is
    /// base64 after its prefix; any other is its UTF-8 bytes).
    /// </summary>
    public static bool Verify(string? id, string? timestamp, byte[] body, string? signatureHeader, string secret)
    {
        if (id is null || timestamp is null || signatureHeader is null)
        {
            return false;
        }

        byte[] key = secret.StartsWith("whsec_", StringComparison.Ordinal)
            ? Convert.FromBase64String(secret["whsec_".Length..])
            : Encoding.UTF8.GetBytes(secret);
        byte[] signed = [.. Encoding.UTF8.GetBytes($"{id}.{timestamp}."), .. body];
        byte[] expected = HMACSHA256.HashData(key, signed);
        foreach (string entry in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int comma = entry.IndexOf(',', StringComparison.Ordinal);
            if (comma < 0 || entry[..comma] != "v1")
            {
                continue;
            }

            byte[] given;
            try
            {
                given = Convert.FromBase64String(entry[(comma + 1)..]);
            }
            catch (FormatException)
            {
                continue;
            }

            if (CryptographicOperations.FixedTimeEquals(given, expected))
            {
                return true;
            }
        }

        return false;
    }
}
