using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace GeoSync.Testing.Fuzzing;

/// <summary>One mutated input and what was done to it (for the failure message).</summary>
public sealed record Mutation(string Text, string Description);

/// <summary>
/// Mutates valid JSON documents the way a hostile or broken client would: values swapped for NUL, lone surrogates,
/// <c>../</c>, 5,000-character strings, newlines and ANSI escapes; wrong JSON types; fields deleted; hostile property
/// names; truncated text; an array filled with 3,000 copies of one element. Deterministic for a given
/// <see cref="Random"/>, so a case is reproduced from its seed.
/// </summary>
public sealed class JsonMutator(Random random, int arrayCopies = 3000)
{
    /// <summary>Hostile values, as JSON string contents (escaped when written).</summary>
    public static readonly IReadOnlyList<string> HostileStrings =
    [
        "\0",
        "a\0b",
        "\uD800",
        "x\uDC00y",
        "../../../etc/passwd",
        "..",
        "/",
        new string('a', 5000),
        new string('\n', 300),
        "v1\nWarning GeoSync.Forged[0] forged line",
        "v1\r\nX-Forged: yes",
        "\u001b[31mred\u001b[0m",
        "\u001b]0;title\u0007",
        "\u202Eevil\u202C",
        "\u2028\u2029",
        "\t",
        "",
        " ",
        "%00",
        "sha256:" + new string('0', 64) + "\n",
        "2024-05-01T10:00:00Z\n",
        "\uFFFF\uFFFE",
        "💥",
        "team/app\u0000",
    ];

    private static readonly string[] WrongTypes = ["42", "-1", "1e308", "true", "null", "[]", "{}", "[[[[[[[[]]]]]]]]", "\"\"", "9223372036854775808", "0.5"];

    /// <summary>Applies one to three mutations to <paramref name="json"/> (a valid document).</summary>
    public Mutation Mutate(string json)
    {
        JsonNode root = JsonNode.Parse(json)!;
        var replacements = new Dictionary<string, string>(StringComparer.Ordinal);
        var description = new List<string>();
        int count = random.Next(1, 4);
        bool truncate = false;
        for (int i = 0; i < count; i++)
        {
            List<Slot> slots = [];
            Collect(root, "$", null, null, slots);
            int kind = random.Next(100);
            if (kind < 35)
            {
                Slot slot = Pick(slots);
                string hostile = PickHostile();
                Set(slot, Placeholder(replacements, Literal(hostile)));
                description.Add($"{slot.Path} = {Describe(hostile)}");
            }
            else if (kind < 50)
            {
                Slot slot = Pick(slots.Where(s => s.Node is JsonValue v && v.TryGetValue(out string? _)).DefaultIfEmpty(Pick(slots)).ToList());
                string original = slot.Node is JsonValue v && v.TryGetValue(out string? s) ? s : string.Empty;
                string hostile = PickHostile();
                Set(slot, Placeholder(replacements, Literal(original + hostile)));
                description.Add($"{slot.Path} += {Describe(hostile)}");
            }
            else if (kind < 65)
            {
                Slot slot = Pick(slots);
                string wrong = WrongTypes[random.Next(WrongTypes.Length)];
                Set(slot, Placeholder(replacements, wrong));
                description.Add($"{slot.Path} = {wrong}");
            }
            else if (kind < 78)
            {
                Slot slot = Pick(slots);
                if (slot.Parent is JsonObject o && slot.Key is not null)
                {
                    o.Remove(slot.Key);
                    description.Add($"{slot.Path} deleted");
                }
                else if (slot.Parent is JsonArray a && slot.Index is int index)
                {
                    a.RemoveAt(index);
                    description.Add($"{slot.Path} deleted");
                }
            }
            else if (kind < 86)
            {
                JsonObject? target = Pick(slots).Node as JsonObject ?? root as JsonObject;
                if (target is not null)
                {
                    string hostile = PickHostile();
                    string key = "@@k" + replacements.Count.ToString(CultureInfo.InvariantCulture) + "@@";
                    replacements["\"" + key + "\""] = Literal(hostile);
                    target[key] = JsonValue.Create(1);
                    description.Add($"property named {Describe(hostile)} added");
                }
            }
            else if (kind < 88)
            {
                if (slots.Select(s => s.Node).OfType<JsonArray>().FirstOrDefault(a => a.Count > 0) is { } array)
                {
                    JsonNode first = array[0]!;
                    array.Clear();
                    for (int c = 0; c < arrayCopies; c++)
                    {
                        array.Add(first.DeepClone());
                    }

                    description.Add($"an array filled with {arrayCopies} copies of its first element");
                }
            }
            else if (kind < 94)
            {
                Slot slot = Pick(slots);
                string raw = random.Next(2) == 0 ? "\"raw\nnewline\"" : "\"raw\u001b[31m\"";
                Set(slot, Placeholder(replacements, raw));
                description.Add($"{slot.Path} = unescaped control character in a JSON string");
            }
            else
            {
                truncate = true;
            }
        }

        string text = root.ToJsonString();
        foreach ((string placeholder, string literal) in replacements)
        {
            text = text.Replace(placeholder, literal, StringComparison.Ordinal);
        }

        if (truncate && text.Length > 1)
        {
            int length = random.Next(text.Length);
            text = text[..length];
            description.Add($"truncated to {length} chars");
        }

        return new Mutation(text, string.Join("; ", description));
    }

    /// <summary>A JSON string literal of <paramref name="value"/>, every control character and surrogate escaped as <c>\uXXXX</c>.</summary>
    public static string Literal(string value)
    {
        var text = new StringBuilder(value.Length + 2).Append('"');
        foreach (char c in value)
        {
            _ = c switch
            {
                '"' => text.Append("\\\""),
                '\\' => text.Append("\\\\"),
                _ when c < ' ' || char.IsSurrogate(c) || c == '\u007f' => text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)),
                _ => text.Append(c),
            };
        }

        return text.Append('"').ToString();
    }

    /// <summary>A short readable form of a hostile value for failure messages.</summary>
    public static string Describe(string value) =>
        value.Length > 40 ? $"{Literal(value[..20])}…({value.Length} chars)" : Literal(value);

    private string PickHostile() => HostileStrings[random.Next(HostileStrings.Count)];

    private Slot Pick(List<Slot> slots) => slots[random.Next(slots.Count)];

    private static string Placeholder(Dictionary<string, string> replacements, string literal)
    {
        string key = "@@v" + replacements.Count.ToString(CultureInfo.InvariantCulture) + "@@";
        replacements["\"" + key + "\""] = literal;
        return key;
    }

    private static void Set(Slot slot, string placeholder)
    {
        if (slot.Parent is JsonObject o && slot.Key is not null)
        {
            o[slot.Key] = JsonValue.Create(placeholder);
        }
        else if (slot.Parent is JsonArray a && slot.Index is int index)
        {
            a[index] = JsonValue.Create(placeholder);
        }
    }

    private static void Collect(JsonNode? node, string path, JsonNode? parent, object? key, List<Slot> slots)
    {
        if (parent is not null)
        {
            slots.Add(new Slot(node, parent, key as string, key as int?, path));
        }

        switch (node)
        {
            case JsonObject o:
                foreach ((string name, JsonNode? child) in o.ToList())
                {
                    Collect(child, $"{path}.{name}", o, name, slots);
                }

                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++)
                {
                    Collect(a[i], $"{path}[{i}]", a, i, slots);
                }

                break;
        }

        if (parent is null && slots.Count == 0)
        {
            // A root without children: mutate the root itself through a wrapper.
            slots.Add(new Slot(node, null, null, null, path));
        }
    }

    private sealed record Slot(JsonNode? Node, JsonNode? Parent, string? Key, int? Index, string Path);
}
