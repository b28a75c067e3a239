using System.Security.Cryptography;
using System.Text;

namespace GeoSync.Grains.Webhooks;

/// <summary>
/// The Standard Webhooks <c>webhook-id</c>: <c>msg_</c> and 32 hex characters of SHA-256 over region, endpoint,
/// repository, tag, digest and event type. The same image reaching the same region is always the same message for
/// an endpoint, across retries, redeliveries, engine restarts and nodes, so receivers can drop duplicates by it.
/// </summary>
public static class WebhookId
{
    public const string Prefix = "msg_";

    public static string For(string region, string endpoint, string repository, string? tag, string digest, string eventType)
    {
        // '\n' cannot occur in any of the parts (names, tags and digests have strict grammars), so the join is unambiguous.
        string key = string.Join('\n', region, endpoint, repository, tag ?? string.Empty, digest, eventType);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return Prefix + Convert.ToHexStringLower(hash[..16]);
    }
}
