using System.Text.Json;

namespace GeoSync.Domain.Topology.Parsing;

/// <summary>Reads one entry of a region's <c>webhooks</c>, applying the webhook defaults.</summary>
internal static class WebhookParser
{
    public static Webhook? Parse(TopologyReader reader, JsonElement element, string path, WebhookDefaults defaults, RegistryDomains domains)
    {
        ObjectFields? webhook = reader.Object(element, path, TopologyShapes.Webhook);
        if (webhook is null)
        {
            return null;
        }

        string? name = webhook.String("name", required: true);
        if (name is not null && TopologyGrammar.CheckName("webhook", name) is { } nameError)
        {
            reader.Error(webhook.PathOf("name"), nameError);
        }

        Uri? url = webhook.HttpUrl("url", required: true);
        IReadOnlyList<SecretReference>? secrets = webhook.Read("secrets", (e, p) => Secrets(reader, e, p), required: true);
        IReadOnlyList<RepositoryGlob> repositories = webhook.List("repositories", reader.Glob, allowEmpty: false) ?? [RepositoryGlob.All];
        IReadOnlyList<TagPattern> tags = webhook.List("tags", reader.TagPattern) ?? [];
        var timing = new WebhookDefaults(webhook.Duration("maxAge") ?? defaults.MaxAge, webhook.Duration("timeout") ?? defaults.Timeout);
        CheckTimeout(webhook, timing);
        RegistryNetwork? pull = Pull(webhook, domains);
        return name is null || url is null || secrets is null
            ? null
            : new Webhook(name, url, secrets, repositories, tags, timing.MaxAge, timing.Timeout, pull);
    }

    /// <summary>The network whose reference the payload's <c>image</c> holds: the region must have a domain there.</summary>
    private static RegistryNetwork? Pull(ObjectFields webhook, RegistryDomains domains)
    {
        string? text = webhook.String("pull");
        if (text is null)
        {
            return null;
        }

        RegistryNetwork? pull = text switch
        {
            "public" => RegistryNetwork.Public,
            "vpc" => RegistryNetwork.Vpc,
            _ => null,
        };
        if (pull is null)
        {
            webhook.Reader.Error(webhook.PathOf("pull"), $"unknown pull network '{text}'; expected 'public' or 'vpc'");
            return null;
        }

        if (domains.Of(pull.Value) is null)
        {
            webhook.Reader.Error(webhook.PathOf("pull"), $"pull '{text}' needs the region's registry.domains.{text}, which is not set");
            return null;
        }

        return pull;
    }

    /// <summary>An attempt that may run longer than the whole delivery window makes no sense.</summary>
    public static void CheckTimeout(ObjectFields fields, WebhookDefaults timing)
    {
        if (timing.Timeout > timing.MaxAge)
        {
            string field = fields.Has("timeout") ? "timeout" : "maxAge";
            fields.Reader.Error(fields.PathOf(field), $"timeout {timing.Timeout:c} is longer than maxAge {timing.MaxAge:c}");
        }
    }

    private static IReadOnlyList<SecretReference>? Secrets(TopologyReader reader, JsonElement element, string path)
    {
        IReadOnlyList<(JsonElement Element, string Path)>? items = reader.Array(element, path, allowEmpty: false);
        return items?.Select(i => reader.Secret(i.Element, i.Path)).OfType<SecretReference>().ToArray();
    }
}
