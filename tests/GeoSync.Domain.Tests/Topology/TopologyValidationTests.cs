using System.Text.Json.Nodes;
using GeoSync.Domain.Topology;

namespace GeoSync.Domain.Tests.Topology;

public class TopologyValidationTests
{
    public static TheoryData<string> Cases() => new(BadTopologies.All.Select(c => c.Name));

    [Fact]
    public void Parse_Sample_IsValid()
    {
        RegionTopology topology = RegionTopology.Parse(SampleTopology.FileName, SampleTopology.Json);

        Assert.Equal(["eu-west", "us-east", "ap-south", "spare"], topology.Regions.Select(r => r.Name));
        Assert.Equal(SampleTopology.FileName, topology.File);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parse_BadTopology_ReportsFilePathAndReason(string name)
    {
        BadTopology bad = BadTopologies.Get(name);

        var ex = Assert.Throws<TopologyValidationException>(() => RegionTopology.Parse("bad.json", bad.Text));

        TopologyError error = Assert.Single(ex.Errors, e => e.Path == bad.Path && e.Message.Contains(bad.Reason, StringComparison.Ordinal));
        Assert.Equal("bad.json", error.File);
        Assert.Contains($"bad.json: {bad.Path}: ", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Parse_BadTopology_ReportsOnlyThatProblem(string name)
    {
        BadTopology bad = BadTopologies.Get(name);

        var ex = Assert.Throws<TopologyValidationException>(() => RegionTopology.Parse("bad.json", bad.Text));

        // Each case breaks one thing; an extra error would mean one mistake is reported twice or misattributed.
        Assert.All(ex.Errors, e => Assert.Equal(bad.Path, e.Path));
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsAllInDocumentOrder()
    {
        string text = SampleTopology.With(t =>
        {
            t["engine"]!["listen"] = "nonsense";
            t.Region(1)["priority"] = "high";
            t.Link(1)["to"] = "nowhere";
            t.Rule(1)["tags"] = new JsonObject { ["include"] = new JsonArray("(") };
        });

        var ex = Assert.Throws<TopologyValidationException>(() => RegionTopology.Parse("many.json", text));

        Assert.Equal(["$.engine.listen", "$.regions[1].priority", "$.links[1].to", "$.rules[1].tags.include[0]"], ex.Errors.Select(e => e.Path));
        Assert.StartsWith("topology many.json is invalid (4 errors):", ex.Message, StringComparison.Ordinal);
        Assert.All(ex.Errors, e => Assert.Contains(e.ToString(), ex.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_UnknownVersion_ReportsOnlyTheVersion()
    {
        string text = SampleTopology.With(t =>
        {
            t["version"] = 3;
            t["newSection"] = new JsonObject();
        });

        var ex = Assert.Throws<TopologyValidationException>(() => RegionTopology.Parse("v3.json", text));

        Assert.Equal("$.version", Assert.Single(ex.Errors).Path);
    }

    [Theory]
    [InlineData("hunter2-very-secret")]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=eu;AccountKey=c2VjcmV0")]
    public void Parse_InlineSecret_NeverEchoesTheValue(string secret)
    {
        string text = SampleTopology.With(t =>
        {
            t.Region(1)["store"]!["connectionString"] = secret;
            t.Webhook(0, 0)["secrets"]![0] = secret;
            t["engine"]!["statusToken"] = secret;
        });

        var ex = Assert.Throws<TopologyValidationException>(() => RegionTopology.Parse("leak.json", text));

        Assert.Equal(3, ex.Errors.Count);
        Assert.All(ex.Errors, e => Assert.Contains("inline secret", e.Message, StringComparison.Ordinal));
        Assert.DoesNotContain(secret, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CommentsInFile_AreIgnored()
    {
        string text = "// the sample, with a comment\n" + SampleTopology.Json.Replace("\"links\": [", "/* priced copies */ \"links\": [", StringComparison.Ordinal);

        RegionTopology topology = RegionTopology.Parse("commented.json", text);

        Assert.Equal(2, topology.Links.Count);
    }
}
