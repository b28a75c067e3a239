using GeoSync.Domain.Topology;

namespace GeoSync.Domain.Tests.Topology;

public class TopologyDefaultsTests
{
    private static readonly RegionTopology Sample = RegionTopology.Parse(SampleTopology.FileName, SampleTopology.Json);

    [Theory]
    [InlineData("eu-west", 1, 4, 1000L)]        // own priority; limits from defaults
    [InlineData("us-east", 50, 4, null)]        // priority from defaults; explicit null bandwidth = unlimited
    [InlineData("ap-south", 7, 2, 1000L)]       // own concurrency, bandwidth still from defaults
    public void Parse_RegionDefaults_FlowIntoRegionsFieldByField(string region, int priority, int concurrency, long? bandwidth)
    {
        Region r = Sample.Region(region);

        Assert.Equal(priority, r.Priority);
        Assert.Equal(new RegionLimits(concurrency, bandwidth), r.Limits);
    }

    [Fact]
    public void Parse_RuleDefaults_FlowIntoRulesThatDoNotSetThem()
    {
        Rule releases = Sample.Rules[0];
        Rule everything = Sample.Rules[1];

        Assert.False(releases.Deletes);                             // set by the rule over defaults' true
        Assert.True(releases.Referrers);                            // set by the rule over defaults' false
        Assert.Equal(TimeSpan.FromMinutes(2), releases.ReconcileInterval);
        Assert.True(everything.Deletes);
        Assert.False(everything.Referrers);
        Assert.Equal(TimeSpan.FromMinutes(2), everything.ReconcileInterval);
        Assert.Equal(["**"], everything.Repositories.Select(g => g.Pattern));
        Assert.True(everything.MatchesTag("anything-at-all"));
    }

    [Fact]
    public void Parse_WebhookDefaults_FlowIntoWebhooks()
    {
        Webhook eu = Assert.Single(Sample.Region("eu-west").Webhooks);
        Webhook us = Assert.Single(Sample.Region("us-east").Webhooks);

        Assert.Equal((TimeSpan.FromHours(2), TimeSpan.FromSeconds(3)), (eu.MaxAge, eu.Timeout));
        Assert.Equal((TimeSpan.FromHours(2), TimeSpan.FromSeconds(30)), (us.MaxAge, us.Timeout));
        Assert.Equal(["**"], us.Repositories.Select(g => g.Pattern));
        Assert.Empty(us.Tags);
    }

    [Fact]
    public void Parse_EngineInboxRetention_Read()
    {
        const string json = """
            { "version": 1, "engine": { "inboxRetention": "1.12:00:00" },
              "regions": [ { "name": "a", "store": { "kind": "filesystem", "path": "a" } },
                           { "name": "b", "store": { "kind": "filesystem", "path": "b" } } ],
              "rules": [ { "name": "r", "sources": ["a"], "targets": ["b"] } ] }
            """;

        RegionTopology topology = RegionTopology.Parse("retention.json", json);

        Assert.Equal(TimeSpan.FromHours(36), topology.Engine.InboxRetention);
        Assert.Equal(EngineSettings.DefaultMaxEventBodyBytes, topology.Engine.MaxEventBodyBytes);
    }

    [Fact]
    public void Parse_EngineAbandonAfter_ReadOrADay()
    {
        const string regions = """
            "regions": [ { "name": "a", "store": { "kind": "filesystem", "path": "a" } },
                         { "name": "b", "store": { "kind": "filesystem", "path": "b" } } ],
            "rules": [ { "name": "r", "sources": ["a"], "targets": ["b"] } ] }
            """;

        RegionTopology set = RegionTopology.Parse("abandon.json", "{ \"version\": 1, \"engine\": { \"abandonAfter\": \"6h\" }, " + regions);
        RegionTopology unset = RegionTopology.Parse("abandon.json", "{ \"version\": 1, \"engine\": { }, " + regions);

        Assert.Equal(TimeSpan.FromHours(6), set.Engine.AbandonAfter);
        Assert.Equal(TimeSpan.FromDays(1), unset.Engine.AbandonAfter);
    }

    [Fact]
    public void Parse_EngineCluster_ReadAndDefaultedWhereAbsent()
    {
        const string json = """
            { "version": 1, "engine": { "cluster": { "id": "geosync-prod", "siloPort": 22222, "advertisedAddress": "10.0.0.5" } },
              "regions": [ { "name": "a", "store": { "kind": "filesystem", "path": "a" } },
                           { "name": "b", "store": { "kind": "filesystem", "path": "b" } } ],
              "rules": [ { "name": "r", "sources": ["a"], "targets": ["b"] } ] }
            """;

        ClusterSettings cluster = RegionTopology.Parse("cluster.json", json).Engine.Cluster;
        ClusterSettings absent = RegionTopology.Parse("none.json", json.Replace("""{ "cluster": { "id": "geosync-prod", "siloPort": 22222, "advertisedAddress": "10.0.0.5" } }""", "{ }", StringComparison.Ordinal)).Engine.Cluster;

        Assert.Equal(new ClusterSettings("geosync-prod", 22222, 0, "10.0.0.5"), cluster);
        Assert.Equal(ClusterSettings.Default, absent);
        Assert.Equal(new ClusterSettings("geosync", null, 0, null), absent);
    }

    [Fact]
    public void Parse_NoEngineNoDefaults_UsesBuiltInDefaults()
    {
        const string minimal = """
            { "version": 1,
              "regions": [ { "name": "a", "store": { "kind": "filesystem", "path": "a" } },
                           { "name": "b", "store": { "kind": "filesystem", "path": "b" },
                             "webhooks": [ { "name": "hook", "url": "http://127.0.0.1:9/h", "secrets": ["env:H"] } ] } ],
              "rules": [ { "name": "r", "sources": ["a"], "targets": ["b"] } ] }
            """;

        RegionTopology topology = RegionTopology.Parse("minimal.json", minimal);

        Assert.Equal(EngineSettings.Default, topology.Engine);
        Assert.Equal("http://127.0.0.1:5080", topology.Engine.Listen);
        Assert.Equal($"Data Source={Path.Combine(".data", "geosync.db")}", topology.Engine.Persistence.ConnectionString);
        Assert.Equal(1024 * 1024, topology.Engine.MaxEventBodyBytes);
        Assert.Equal(TimeSpan.FromDays(7), topology.Engine.InboxRetention);
        Assert.Null(topology.Engine.StatusToken);
        Assert.Equal(TopologyDefaults.BuiltIn, topology.Defaults);
        Assert.All(topology.Regions, r => Assert.Equal((100, new RegionLimits(8, null)), (r.Priority, r.Limits)));
        Assert.Equal(Path.Combine(".data", "a"), Assert.IsType<FileSystemStoreSettings>(topology.Region("a").Store).Path);
        Rule rule = Assert.Single(topology.Rules);
        Assert.Equal((false, true, TimeSpan.FromMinutes(10)), (rule.Deletes, rule.Referrers, rule.ReconcileInterval));
        Webhook hook = Assert.Single(topology.Region("b").Webhooks);
        Assert.Equal((TimeSpan.FromDays(1), TimeSpan.FromSeconds(10)), (hook.MaxAge, hook.Timeout));
        Assert.Equal(100, topology.LinkCost("a", "b"));
    }

    [Fact]
    public void Parse_Stores_ResolveRelativePathsUnderDataDirectory()
    {
        Assert.Equal("/data/regions/eu-west", Assert.IsType<FileSystemStoreSettings>(Sample.Region("eu-west").Store).Path);
        Assert.Equal("/abs/ap", Assert.IsType<FileSystemStoreSettings>(Sample.Region("ap-south").Store).Path);
        var azure = Assert.IsType<AzureStoreSettings>(Sample.Region("us-east").Store);
        Assert.Equal((SecretReference.Environment("US_BLOB"), "registry"), (azure.ConnectionString, azure.Container));
    }

    [Fact]
    public void Parse_Registry_KeepsDomainsEndpointsAndToken()
    {
        RegistrySettings registry = Sample.Region("eu-west").Registry;

        Assert.Equal(new RegistryDomains("eu.registry.example.com", "eu.registry-vpc.internal:5000"), registry.Domains);
        Assert.Equal(new Uri("https://eu.registry.example.com"), registry.Endpoints.Public);
        Assert.Equal(new Uri("http://10.0.0.5:5000"), registry.Endpoints.Vpc);
        Assert.Equal("env:EU_TOKEN", registry.NotificationToken.ToString());
        Assert.Equal(RegistrySettings.None, Sample.Region("ap-south").Registry);
    }

    [Fact]
    public void Parse_PostgresPersistence_KeepsTheReference()
    {
        string text = SampleTopology.With(t => t["engine"]!["persistence"] = new System.Text.Json.Nodes.JsonObject
        {
            ["provider"] = "postgres",
            ["connectionString"] = "file:/run/secrets/pg",
        });

        PersistenceSettings persistence = RegionTopology.Parse("pg.json", text).Engine.Persistence;

        Assert.Equal(PersistenceProvider.Postgres, persistence.Provider);
        Assert.Null(persistence.ConnectionString);
        Assert.Equal(SecretReference.File("/run/secrets/pg"), persistence.ConnectionStringSecret);
        Assert.Equal("Host=db", persistence.ResolveConnectionString(r => r.Name == "/run/secrets/pg" ? "Host=db" : "wrong"));
    }

    [Fact]
    public void SecretReferences_ListsEveryReferenceWithItsUsage()
    {
        Assert.Equal(
            [
                ("region eu-west notificationToken", "env:EU_TOKEN"),
                ("webhook eu-deploy secret", "env:EU_HOOK"),
                ("region us-east store connectionString", "env:US_BLOB"),
                ("webhook us-deploy secret", "file:/run/secrets/us"),
                ("webhook us-deploy secret", "env:US_HOOK_OLD"),
            ],
            Sample.SecretReferences().Select(s => (s.Usage, s.Reference.ToString())));
    }
}
