using System.Text.Json;

namespace GeoSync.Domain.Topology.Parsing;

/// <summary>The region names a topology declares, for checking references from links and rules.</summary>
internal sealed class RegionNames(TopologyReader reader, IReadOnlyList<string> names)
{
    /// <summary>The wildcard meaning every region in a rule's sources or targets.</summary>
    public const string Every = "*";

    public IReadOnlyList<string> All { get; } = names;

    /// <summary>Reads a string that must name a declared region.</summary>
    public string? Reference(JsonElement element, string path)
    {
        string? name = reader.String(element, path);
        if (name is null)
        {
            return null;
        }

        // With no usable region list, every reference would be "unknown": the missing list is the one error to report.
        if (All.Count > 0 && !All.Contains(name, StringComparer.Ordinal))
        {
            reader.Error(path, $"unknown region '{name}'; known regions: {string.Join(", ", All)}");
            return null;
        }

        return name;
    }

    /// <summary>Reads <c>["*"]</c> or a list of distinct region names; returns them in the regions' file order.</summary>
    public IReadOnlyList<string>? List(JsonElement element, string path)
    {
        IReadOnlyList<(JsonElement Element, string Path)>? items = reader.Array(element, path, allowEmpty: false);
        if (items is null)
        {
            return null;
        }

        bool every = items.Any(i => i.Element.ValueKind == JsonValueKind.String && i.Element.GetString() == Every);
        if (every)
        {
            if (items.Count > 1)
            {
                reader.Error(path, $"'{Every}' already means every region; list region names or '{Every}', not both");
                return null;
            }

            return All;
        }

        var chosen = new HashSet<string>(StringComparer.Ordinal);
        foreach ((JsonElement item, string itemPath) in items)
        {
            if (Reference(item, itemPath) is { } name && !chosen.Add(name))
            {
                reader.Error(itemPath, $"region '{name}' is listed twice");
            }
        }

        return All.Where(chosen.Contains).ToArray();
    }
}
