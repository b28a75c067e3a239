using GeoSync.Domain.Topology;
using GeoSync.Webhooks;

namespace GeoSync.Host.Hosting;

/// <summary>
/// Reads every secret a node's topology references before anything is opened, so that a missing variable or a
/// malformed <c>whsec_</c> webhook secret stops a start at once, with every such secret named, not one per try.
/// </summary>
public static class NodeSecretCheck
{
    /// <summary>One line per secret that cannot be used (<c>usage: secret REF: reason</c>); empty when all can. Values are never shown.</summary>
    public static IReadOnlyList<string> Problems(GeoSyncNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var problems = new List<string>(node.Secrets.Check(node.Topology));
        foreach (Webhook webhook in node.Topology.Regions.SelectMany(r => r.Webhooks))
        {
            foreach (SecretReference secret in webhook.Secrets)
            {
                if (MalformedSigningKey(node.Secrets, secret) is { } reason)
                {
                    problems.Add($"webhook {webhook.Name} secret: secret {secret}: {reason}");
                }
            }
        }

        return problems;
    }

    private static string? MalformedSigningKey(SecretResolver secrets, SecretReference secret)
    {
        try
        {
            _ = WebhookSignature.KeyOf(secrets.Resolve(secret));
            return null;
        }
        catch (SecretResolutionException)
        {
            // Already reported by the resolver's own check.
            return null;
        }
        catch (FormatException ex)
        {
            return ex.Message;
        }
    }
}
