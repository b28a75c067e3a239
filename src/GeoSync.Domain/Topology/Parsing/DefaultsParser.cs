namespace GeoSync.Domain.Topology.Parsing;

/// <summary>Reads the <c>defaults</c> section over the built-in defaults.</summary>
internal static class DefaultsParser
{
    public static TopologyDefaults Parse(ObjectFields? defaults)
    {
        TopologyDefaults builtIn = TopologyDefaults.BuiltIn;
        if (defaults is null)
        {
            return builtIn;
        }

        RegionDefaults region = builtIn.Region;
        if (defaults.Object("region", TopologyShapes.RegionDefaults) is { } regionFields)
        {
            region = new RegionDefaults(
                regionFields.Int32("priority", 0) ?? region.Priority,
                Limits(regionFields.Object("limits", TopologyShapes.Limits), region.Limits));
        }

        RuleDefaults rule = builtIn.Rule;
        if (defaults.Object("rule", TopologyShapes.RuleDefaults) is { } ruleFields)
        {
            rule = new RuleDefaults(
                ruleFields.Boolean("deletes") ?? rule.Deletes,
                ruleFields.Boolean("referrers") ?? rule.Referrers,
                ruleFields.Duration("reconcileInterval") ?? rule.ReconcileInterval);
        }

        WebhookDefaults webhook = builtIn.Webhook;
        if (defaults.Object("webhook", TopologyShapes.WebhookDefaults) is { } webhookFields)
        {
            webhook = new WebhookDefaults(
                webhookFields.Duration("maxAge") ?? webhook.MaxAge,
                webhookFields.Duration("timeout") ?? webhook.Timeout);
            WebhookParser.CheckTimeout(webhookFields, webhook);
        }

        int linkCost = defaults.Int32("linkCost", 0) ?? builtIn.LinkCost;
        return new TopologyDefaults(region, rule, webhook, linkCost) { Currency = Currency(defaults) };
    }

    /// <summary>An ISO 4217 code: three capital letters.</summary>
    private static string? Currency(ObjectFields defaults)
    {
        string? currency = defaults.String("currency");
        if (currency is not null && (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper)))
        {
            defaults.Reader.Error(defaults.PathOf("currency"), $"'{currency}' is not an ISO 4217 currency code (three capital letters, such as USD or EUR)");
            return null;
        }

        return currency;
    }

    /// <summary>Limits field by field over <paramref name="inherited"/>; an explicit null bandwidth means unlimited.</summary>
    public static RegionLimits Limits(ObjectFields? limits, RegionLimits inherited)
    {
        if (limits is null)
        {
            return inherited;
        }

        int concurrency = limits.Int32("concurrency", 1) ?? inherited.Concurrency;
        long? bandwidth = inherited.BandwidthBytesPerSecond;
        if (limits.Get("bandwidthBytesPerSecond") is { } element)
        {
            bandwidth = element.ValueKind == System.Text.Json.JsonValueKind.Null
                ? null
                : limits.Int64("bandwidthBytesPerSecond", 1);
        }

        return new RegionLimits(concurrency, bandwidth);
    }
}
