using System.Text.Json;
using GeoSync.Domain.Json;

namespace GeoSync.Domain.Topology.Parsing;

/// <summary>
/// Parses and validates a topology file from its text (no file I/O). Every problem is collected with its JSON path;
/// if there is any, a <see cref="TopologyValidationException"/> lists them all.
/// </summary>
internal static class TopologyParser
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 32 };

    public static RegionTopology Parse(string fileName, string json)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(json);
        var reader = new TopologyReader(fileName);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            reader.Error(JsonFields.Root, $"not valid JSON: {ex.Message}");
            throw new TopologyValidationException(reader.Errors);
        }

        if (JsonText.LoneSurrogate(System.Text.Encoding.UTF8.GetBytes(json)) is { } error)
        {
            document.Dispose();
            reader.Error(JsonFields.Root, error);
            throw new TopologyValidationException(reader.Errors);
        }

        using (document)
        {
            RegionTopology? topology = Read(reader, document.RootElement);
            return reader.Errors.Count == 0 && topology is not null ? topology : throw new TopologyValidationException(reader.Errors);
        }
    }

    private static RegionTopology? Read(TopologyReader reader, JsonElement root)
    {
        if (!CheckVersion(reader, root))
        {
            // Another version's fields mean other things; reporting them against version 1 would only mislead.
            return null;
        }

        ObjectFields? topology = reader.Object(root, JsonFields.Root, TopologyShapes.Topology);
        if (topology is null)
        {
            return null;
        }

        _ = topology.String("$schema");
        EngineSettings engine = EngineParser.Parse(reader, topology.Object("engine", TopologyShapes.Engine));
        ObjectFields? defaultsFields = topology.Object("defaults", TopologyShapes.Defaults);
        TopologyDefaults defaults = DefaultsParser.Parse(defaultsFields);

        var regions = new List<Region>();
        var regionPaths = new Dictionary<string, string>(StringComparer.Ordinal);
        var storePaths = new Dictionary<string, string>(StringComparer.Ordinal);
        var webhookPaths = new Dictionary<string, string>(StringComparer.Ordinal);
        var tokenPaths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((JsonElement element, string path) in topology.Read("regions", (e, p) => reader.Array(e, p, allowEmpty: false), required: true) ?? [])
        {
            // Names count even when the rest of the region is broken, so references to it do not cascade into errors.
            if (DeclaredName(element) is { } name)
            {
                Unique(reader, regionPaths, name, TopologyReader.Child(path, "name"), "region name");
            }

            if (RegionParser.Parse(reader, element, path, defaults, engine.DataDirectory) is not { } region)
            {
                continue;
            }

            Unique(reader, storePaths, StoreIdentity(region.Store), TopologyReader.Child(path, "store"), "store");
            if (region.Registry.NotificationToken is { } token)
            {
                // Events are credited to the region whose token they carry: two regions must never share one.
                Unique(reader, tokenPaths, token.ToString(), TopologyReader.Child(TopologyReader.Child(path, "registry"), "notificationToken"), "notification token reference");
            }

            for (int i = 0; i < region.Webhooks.Count; i++)
            {
                string webhookPath = TopologyReader.Child(JsonFields.Item(TopologyReader.Child(path, "webhooks"), i), "name");
                Unique(reader, webhookPaths, region.Webhooks[i].Name, webhookPath, "webhook name");
            }

            regions.Add(region);
        }

        var names = new RegionNames(reader, regionPaths.Keys.ToArray());
        var links = new List<(Link Link, string Path)>();
        foreach ((JsonElement element, string path) in topology.Read("links", (e, p) => reader.Array(e, p)) ?? [])
        {
            if (LinkParser.Parse(reader, element, path, names) is { } link)
            {
                links.Add((link, path));
            }
        }

        LinkParser.CheckDuplicates(reader, links);
        // A currency given but invalid is reported once, at its own path: the prices are not blamed for it.
        if (defaultsFields?.Has("currency") != true)
        {
            LinkParser.CheckCurrency(reader, links);
        }

        var rules = new List<Rule>();
        var rulePaths = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((JsonElement element, string path) in topology.Read("rules", (e, p) => reader.Array(e, p)) ?? [])
        {
            if (RuleParser.Parse(reader, element, path, names, defaults.Rule) is { } rule)
            {
                Unique(reader, rulePaths, rule.Name, TopologyReader.Child(path, "name"), "rule name");
                rules.Add(rule);
            }
        }

        return reader.Errors.Count > 0
            ? null
            : new RegionTopology(reader.File, engine, defaults, regions, links.Select(l => l.Link).ToArray(), rules);
    }

    private static string? DeclaredName(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("name", out JsonElement name) && name.ValueKind == JsonValueKind.String
            ? name.GetString()
            : null;

    /// <summary>False when the version is one this build cannot read at all (the error is recorded).</summary>
    private static bool CheckVersion(TopologyReader reader, JsonElement root)
    {
        string path = TopologyReader.Child(JsonFields.Root, "version");
        if (root.ValueKind != JsonValueKind.Object)
        {
            return true;
        }

        if (!root.TryGetProperty("version", out JsonElement version))
        {
            reader.Error(path, $"required field is missing; this GeoSync reads topology version {RegionTopology.CurrentVersion}");
            return true;
        }

        if (reader.Integer(version, path, long.MinValue) is { } number && number != RegionTopology.CurrentVersion)
        {
            reader.Error(path, $"unsupported topology version {number}; this GeoSync reads version {RegionTopology.CurrentVersion}");
            return false;
        }

        return true;
    }

    private static void Unique(TopologyReader reader, Dictionary<string, string> seen, string key, string path, string what)
    {
        if (!seen.TryAdd(key, path))
        {
            reader.Error(path, $"duplicate {what} '{key}' (first at {seen[key]})");
        }
    }

    /// <summary>Two regions on one store would each see the other's content as their own.</summary>
    private static string StoreIdentity(StoreSettings store) => store switch
    {
        FileSystemStoreSettings fs => "filesystem " + Path.TrimEndingDirectorySeparator(fs.Path),
        AzureStoreSettings azure => $"azure {azure.ConnectionString} container {azure.Container}",
        RegistryStoreSettings registry => "registry " + registry.Endpoint.GetLeftPart(UriPartial.Authority),
        _ => store.ToString(),
    };
}
