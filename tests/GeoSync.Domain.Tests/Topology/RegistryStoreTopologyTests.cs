using System.Text.Json.Nodes;
using GeoSync.Domain.Topology;

namespace GeoSync.Domain.Tests.Topology;

/// <summary>The <c>registry</c> store kind as an operator writes it: endpoint, credentials, TLS and the endpoint defaults.</summary>
public class RegistryStoreTopologyTests
{
    [Fact]
    public void Parse_RegistryStoreWithEverything_ReadsEveryField()
    {
        RegistryStoreSettings store = ParseStore(3, new JsonObject
        {
            ["kind"] = "registry",
            ["endpoint"] = "https://reg-eu.example.com",
            ["credentials"] = new JsonObject { ["username"] = "geosync", ["password"] = "env:REG_EU_PASSWORD" },
            ["tls"] = new JsonObject { ["insecure"] = false, ["caFile"] = "certs/eu-ca.pem" },
        });

        Assert.Equal(new Uri("https://reg-eu.example.com/"), store.Endpoint);
        Assert.Equal(new RegistryCredentials("geosync", SecretReference.Environment("REG_EU_PASSWORD")), store.Credentials);
        Assert.Equal(new RegistryTls(false, "certs/eu-ca.pem"), store.Tls);
        Assert.Equal("registry", store.Kind);
    }

    [Fact]
    public void Parse_RegistryStoreWithoutCredentialsOrTls_IsAnonymousVerifiedHttps()
    {
        RegistryStoreSettings store = ParseStore(3, new JsonObject { ["kind"] = "registry", ["endpoint"] = "https://reg.example.com:8443/" });

        Assert.Null(store.Credentials);
        Assert.Equal(RegistryTls.Default, store.Tls);
        Assert.Equal(8443, store.Endpoint.Port);
    }

    [Fact]
    public void Parse_InsecureLoopbackRegistry_AllowsPlainHttp()
    {
        RegistryStoreSettings store = ParseStore(3, new JsonObject
        {
            ["kind"] = "registry",
            ["endpoint"] = "http://127.0.0.1:5000",
            ["tls"] = new JsonObject { ["insecure"] = true },
        });

        Assert.Equal(new Uri("http://127.0.0.1:5000/"), store.Endpoint);
        Assert.True(store.Tls.Insecure);
    }

    [Fact]
    public void Parse_RegistryStoreWithoutEndpoint_UsesTheRegionsVpcEndpoint()
    {
        // Region 0 names both: the VPC endpoint (plain http, so insecure) wins over the public one.
        RegistryStoreSettings store = ParseStore(0, new JsonObject { ["kind"] = "registry", ["tls"] = new JsonObject { ["insecure"] = true } });

        Assert.Equal(new Uri("http://10.0.0.5:5000/"), store.Endpoint);
    }

    [Fact]
    public void Parse_RegistryStoreWithoutEndpoint_UsesThePublicEndpointWhenThereIsNoVpcOne()
    {
        string json = SampleTopology.With(t =>
        {
            t.Region(0)["registry"]!["endpoints"]!.AsObject().Remove("vpc");
            t.Region(0)["store"] = new JsonObject { ["kind"] = "registry" };
        });

        var store = (RegistryStoreSettings)RegionTopology.Parse(SampleTopology.FileName, json).Regions[0].Store;

        Assert.Equal(new Uri("https://eu.registry.example.com/"), store.Endpoint);
    }

    [Fact]
    public void SecretReferences_RegistryPassword_IsListedForChecking()
    {
        string json = SampleTopology.With(t => t.Region(3)["store"] = new JsonObject
        {
            ["kind"] = "registry",
            ["endpoint"] = "https://reg.example.com",
            ["credentials"] = new JsonObject { ["username"] = "geosync", ["password"] = "file:/run/secrets/reg" },
        });

        RegionTopology topology = RegionTopology.Parse(SampleTopology.FileName, json);

        Assert.Contains(("region spare store credentials password", SecretReference.File("/run/secrets/reg")), topology.SecretReferences());
    }

    private static RegistryStoreSettings ParseStore(int region, JsonObject store)
    {
        string json = SampleTopology.With(t => t.Region(region)["store"] = store);
        return Assert.IsType<RegistryStoreSettings>(RegionTopology.Parse(SampleTopology.FileName, json).Regions[region].Store);
    }
}
