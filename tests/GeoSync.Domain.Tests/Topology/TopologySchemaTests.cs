using System.Text.Json;
using GeoSync.Domain.Topology;

namespace GeoSync.Domain.Tests.Topology;

/// <summary>The JSON schema and the validator describe the same fields, so neither can drift from the other.</summary>
public class TopologySchemaTests
{
    private static readonly JsonElement Schema = JsonDocument.Parse(File.ReadAllText(TopologyFiles.Schema)).RootElement;

    private static JsonElement Defs => Schema.GetProperty("$defs");

    public static TheoryData<string> Shapes() => new(TopologyShapes.All.Select(s => s.Name));

    [Fact]
    public void Schema_IsDraft202012_RootingAtTheTopologyDefinition()
    {
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", Schema.GetProperty("$schema").GetString());
        Assert.Equal("#/$defs/topology", Schema.GetProperty("$ref").GetString());
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Schema_EachObjectTheValidatorReads_DeclaresExactlyItsFieldsAndNoOthers(string shapeName)
    {
        ObjectShape shape = TopologyShapes.All.Single(s => s.Name == shapeName);

        Assert.True(Defs.TryGetProperty(shape.Name, out JsonElement definition), $"schema has no $defs/{shape.Name}");
        Assert.Equal("object", definition.GetProperty("type").GetString());
        Assert.False(definition.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(shape.Properties.Order(StringComparer.Ordinal), definition.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Schema_EveryObjectDefinition_IsOneTheValidatorReads()
    {
        string[] objectDefinitions = Defs.EnumerateObject().Where(d => d.Value.TryGetProperty("properties", out _)).Select(d => d.Name).ToArray();

        Assert.Equal(TopologyShapes.All.Select(s => s.Name).Order(StringComparer.Ordinal), objectDefinitions.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Schema_EveryReference_PointsAtADefinition()
    {
        var references = new List<string>();
        Collect(Schema, references);

        Assert.NotEmpty(references);
        Assert.All(references, r => Assert.True(Defs.TryGetProperty(r["#/$defs/".Length..], out _), $"dangling $ref {r}"));
    }

    private static void Collect(JsonElement element, List<string> references)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (property.Name == "$ref")
                {
                    references.Add(property.Value.GetString()!);
                }
                else
                {
                    Collect(property.Value, references);
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement item in element.EnumerateArray())
            {
                Collect(item, references);
            }
        }
    }
}
