using System.Text.Json;

namespace GeoSync.Domain.Topology.Parsing;

/// <summary>JSONPath strings for error messages: <c>$.regions[1].store.kind</c>, with <c>['odd name']</c> where needed.</summary>
internal static class JsonPaths
{
    public const string Root = "$";

    public static string Property(string parent, string name)
    {
        bool plain = name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or '$') &&
            name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '$');
        return plain ? $"{parent}.{name}" : $"{parent}['{name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}']";
    }

    public static string Index(string parent, int index) => $"{parent}[{index}]";

    /// <summary>"a string", "an object", ... for type errors.</summary>
    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {element.GetRawText()}",
        JsonValueKind.Null => "null",
        _ => element.ValueKind.ToString(),
    };
}
