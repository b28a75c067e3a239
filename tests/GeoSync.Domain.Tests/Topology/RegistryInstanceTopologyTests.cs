using GeoSync.Domain.Topology;

namespace GeoSync.Domain.Tests.Topology;

/// <summary>A region's registry instance and a webhook's pull network, as an operator writes them.</summary>
public class RegistryInstanceTopologyTests
{
    [Fact]
    public void Parse_InstanceAndPull_ReadIntoTheRegionAndItsWebhook()
    {
        string text = SampleTopology.With(t =>
        {
            t.Region(0)["registry"]!["instance"] = new System.Text.Json.Nodes.JsonObject { ["id"] = "cri-abc123", ["name"] = "prod-eu", ["cloudRegion"] = "eu-central-1" };
            t.Webhook(0, 0)["pull"] = "vpc";
        });

        Region eu = RegionTopology.Parse(SampleTopology.FileName, text).Regions[0];

        Assert.Equal(new RegistryInstance("cri-abc123", "prod-eu", "eu-central-1"), eu.Registry.Instance);
        Assert.Equal(RegistryNetwork.Vpc, Assert.Single(eu.Webhooks).Pull);
        Assert.Equal("eu.registry-vpc.internal:5000", eu.Registry.Domains.Of(RegistryNetwork.Vpc));
    }

    [Fact]
    public void Parse_InstanceWithIdOnly_NameAndCloudRegionLeftOut()
    {
        string text = SampleTopology.With(t => t.Region(0)["registry"]!["instance"] = new System.Text.Json.Nodes.JsonObject { ["id"] = "cri-abc123" });

        RegionTopology topology = RegionTopology.Parse(SampleTopology.FileName, text);

        Assert.Equal(new RegistryInstance("cri-abc123", null, null), topology.Regions[0].Registry.Instance);
        Assert.Null(topology.Regions[0].Webhooks[0].Pull);
        Assert.Null(topology.Regions[1].Registry.Instance);
    }
}
