using System.Security.Cryptography;
using System.Text;

namespace GeoSync.Webhooks;

/// <summary>
/// Standard Webhooks signing: <c>webhook-signature: v1,&lt;base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")&gt;</c>,
/// one space-separated <c>v1,</c> entry per active secret, so receivers holding either the old or the new secret
/// verify during a rotation.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The prefix of a Standard Webhooks secret whose key bytes follow in base64.</summary>
    public const string SecretPrefix = "whsec_";

    /// <summary>
    /// The HMAC key of a secret: the base64-decoded bytes after <c>whsec_</c>, otherwise the UTF-8 bytes of the value.
    /// Errors never repeat the value.
    /// </summary>
    public static byte[] KeyOf(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return Encoding.UTF8.GetBytes(secret);
        }

        try
        {
            return Convert.FromBase64String(secret[SecretPrefix.Length..]);
        }
        catch (FormatException)
        {
            throw new FormatException("a secret starting with 'whsec_' must continue with base64 (its value is not shown)");
        }
    }

    /// <summary>The <c>webhook-signature</c> header value for a message signed with each of <paramref name="keys"/>.</summary>
    public static string Sign(string webhookId, long timestamp, ReadOnlySpan<byte> body, IReadOnlyList<byte[]> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            throw new ArgumentException("at least one signing key is required", nameof(keys));
        }

        byte[] prefix = Encoding.UTF8.GetBytes($"{webhookId}.{timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        byte[] content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));

        var header = new StringBuilder();
        foreach (byte[] key in keys)
        {
            if (header.Length > 0)
            {
                header.Append(' ');
            }

            header.Append("v1,").Append(Convert.ToBase64String(HMACSHA256.HashData(key, content)));
        }

        return header.ToString();
    }
}
