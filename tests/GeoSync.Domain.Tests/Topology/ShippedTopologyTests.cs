using GeoSync.Domain.Topology;

namespace GeoSync.Domain.Tests.Topology;

public class ShippedTopologyTests
{
    public static TheoryData<string> ShippedFiles() => new(TopologyFiles.Shipped().Select(f => Path.GetRelativePath(TopologyFiles.RepositoryRoot, f)));

    [Theory]
    [MemberData(nameof(ShippedFiles))]
    public void Parse_ShippedFile_IsValid(string relativePath)
    {
        string text = File.ReadAllText(Path.Combine(TopologyFiles.RepositoryRoot, relativePath));

        RegionTopology topology = RegionTopology.Parse(relativePath, text);

        Assert.NotEmpty(topology.Regions);
        Assert.NotEmpty(topology.Rules);
        Assert.All(topology.SecretReferences(), s => Assert.True(SecretReference.LooksLikeReference(s.Reference.ToString())));
    }

    [Fact]
    public void Parse_DefaultTopology_IsThreeLocalRegionsOnSqliteOnLoopback()
    {
        RegionTopology topology = RegionTopology.Parse("appsettings.regions.json", File.ReadAllText(TopologyFiles.DefaultTopology));

        Assert.Equal(["eu-west", "us-east", "ap-southeast"], topology.Regions.Select(r => r.Name));
        Assert.All(topology.Regions, r => Assert.Equal(Path.Combine(".data", "regions", r.Name), Assert.IsType<FileSystemStoreSettings>(r.Store).Path));
        Assert.Equal(PersistenceProvider.Sqlite, topology.Engine.Persistence.Provider);
        Assert.Contains(".data/", topology.Engine.Persistence.ConnectionString, StringComparison.Ordinal);
        Assert.StartsWith("http://127.0.0.1:", topology.Engine.Listen, StringComparison.Ordinal);
        Assert.All(topology.Regions, r => Assert.Equal(SecretSource.Environment, r.Registry.NotificationToken?.Source));
        Assert.All(topology.Regions, r => Assert.All(r.Webhooks, w => Assert.All(w.Secrets, s => Assert.Equal(SecretSource.Environment, s.Source))));

        // One rule sends everything everywhere, with referrers.
        Rule rule = Assert.Single(topology.Rules);
        Assert.True(rule.Referrers);
        Assert.Equal(["us-east", "ap-southeast"], topology.TargetsFor("eu-west", "any/repo/name", "latest").Select(t => t.Region.Name));
    }
}
