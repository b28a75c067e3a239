using System.Security.Cryptography;
using System.Text;

namespace GeoSync.Webhooks;

/// <summary>
/// The Standard Webhooks <c>webhook-id</c>: <c>msg_</c> and 32 hex characters of SHA-256 over region, endpoint,
/// repository, tag, digest, event type and the registry timestamp of the push (or delete) that decided it. The same
/// decision reaching the same region is always the same message for an endpoint, across retries, redeliveries,
/// engine restarts and nodes, so receivers can drop duplicates by it; a later push that moves a tag back to a digest
/// it named before is a new message (a tag moved A, B, A must reach the clusters three times).
/// </summary>
public static class WebhookId
{
    public const string Prefix = "msg_";

    public static string For(string region, string endpoint, string repository, string? tag, string digest, string eventType, DateTimeOffset decidedAt)
    {
        // '\n' cannot occur in any of the parts (names, tags and digests have strict grammars), so the join is unambiguous.
        string key = string.Join('\n', region, endpoint, repository, tag ?? string.Empty, digest, eventType, decidedAt.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return Prefix + Convert.ToHexStringLower(hash[..16]);
    }
}
