using GeoSync.Domain.Events;
using GeoSync.Domain.Names;
using GeoSync.Domain.Topology;

namespace GeoSync.Domain.Tests.Topology;

public sealed class RegistryHostsTests
{
    private static readonly RegistryHosts Hosts = new(RegionTopology.Parse("hosts.json", """
        { "version": 1,
          "regions": [
            { "name": "eu", "store": { "kind": "filesystem", "path": "eu" },
              "registry": { "domains": { "public": "eu.registry.example.com", "vpc": "eu.vpc.internal:5000" }, "endpoints": { "public": "https://reg-eu.example.com" } } },
            { "name": "us", "store": { "kind": "filesystem", "path": "us" },
              "registry": { "domains": { "public": "us.registry.example.com", "vpc": "shared.internal" }, "endpoints": { "vpc": "http://10.1.0.5:5000" } } },
            { "name": "ap", "store": { "kind": "filesystem", "path": "ap" },
              "registry": { "domains": { "public": "ap.registry.example.com", "vpc": "shared.internal" } } } ],
          "rules": [ { "name": "r", "sources": ["eu"], "targets": ["us", "ap"] } ] }
        """));

    [Theory]
    [InlineData("eu.registry.example.com", "eu")]
    [InlineData("EU.Registry.Example.com.", "eu")]
    [InlineData("eu.registry.example.com:443", "eu")] // a domain without a port names its registry on any port
    [InlineData("eu.vpc.internal:5000", "eu")]
    [InlineData("eu.vpc.internal:6000", null)] // a domain with a port names that port only
    [InlineData("reg-eu.example.com", "eu")] // an endpoint's host
    [InlineData("10.1.0.5:5000", "us")]
    [InlineData("shared.internal", null)] // listed by two regions: names neither
    [InlineData("registry-7:5000", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void RegionNamedBy_Host_TheRegionListingIt(string? host, string? expected) =>
        Assert.Equal(expected, Hosts.RegionNamedBy(host));

    [Fact]
    public void FindForeign_RequestHostOfAnotherRegion_ThatEventHostAndRegion()
    {
        RegistryEvent own = Event("e1", requestHost: "eu.registry.example.com", sourceAddr: "registry-eu-1:5000");
        RegistryEvent foreign = Event("e2", requestHost: "registry-7:5000", sourceAddr: "us.registry.example.com");

        Assert.Null(Hosts.FindForeign([own], "eu"));
        Assert.Equal((foreign, "us.registry.example.com", "us"), Hosts.FindForeign([own, foreign], "eu"));
        Assert.Null(Hosts.FindForeign([foreign], "us"));
        Assert.Null(Hosts.FindForeign([Event("e3", null, null)], "ap"));
    }

    private static RegistryEvent Event(string id, string? requestHost, string? sourceAddr) =>
        new(id, DateTimeOffset.UnixEpoch, "push", new RegistryEventTarget(RepositoryName.Parse("team/app")))
        {
            Request = new RegistryEventRequest(null, null, requestHost, "PUT", null),
            Source = new RegistryEventSource(sourceAddr, null),
        };
}
