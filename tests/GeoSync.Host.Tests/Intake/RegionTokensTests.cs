using GeoSync.Domain.Topology;
using GeoSync.Host.Intake;

namespace GeoSync.Host.Tests.Intake;

public sealed class RegionTokensTests
{
    private const string Topology = """
        {
          "version": 1,
          "regions": [
            { "name": "eu", "store": { "kind": "filesystem", "path": "eu" }, "registry": { "notificationToken": "env:EU_TOKEN" } },
            { "name": "us", "store": { "kind": "filesystem", "path": "us" }, "registry": { "notificationToken": "env:US_TOKEN" } }
          ],
          "rules": [ { "name": "all", "sources": ["*"], "targets": ["*"], "repositories": ["**"] } ]
        }
        """;

    [Fact]
    public void Create_TwoRegionsWhoseTokensResolveToOneValue_RefusedNamingBothAndPrintingNeither()
    {
        RegionTopology topology = RegionTopology.Parse("regions.json", Topology);
        var secrets = new SecretResolver(environment: _ => "one-token-for-both");

        TopologyValidationException refused = Assert.Throws<TopologyValidationException>(() => new RegionTokens(topology, secrets));

        TopologyError error = Assert.Single(refused.Errors);
        Assert.Equal("$.regions[1].registry.notificationToken", error.Path);
        Assert.Contains("region 'eu'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("one-token-for-both", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RegionOf_DistinctTokens_CreditsEachRegion()
    {
        RegionTopology topology = RegionTopology.Parse("regions.json", Topology);
        var tokens = new RegionTokens(topology, new SecretResolver(environment: name => $"token-of-{name}"));

        Assert.Equal("eu", tokens.RegionOf("token-of-EU_TOKEN"));
        Assert.Equal("us", tokens.RegionOf("token-of-US_TOKEN"));
        Assert.Null(tokens.RegionOf("token-of-nobody"));
    }
}
