using GeoSync.Domain.Names;
using GeoSync.Host.Cli;
using GeoSync.Host.Tests.Support;
using GeoSync.Testing;

namespace GeoSync.Host.Tests.Cli;

/// <summary><c>geosync import</c> and <c>geosync resync</c> against a running engine.</summary>
public sealed class ImportAndResyncCommandTests
{
    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await GeoSyncCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Import_SampleLayout_WritesTheRegionAndReplicatesEverywhere()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync();
        // The CLI resolves the region's notification token from the environment, as an operator's shell would.
        Environment.SetEnvironmentVariable("TOKEN_EU", EngineHarness.TokenOf("eu"));
        string layout = Path.Combine(AppContext.BaseDirectory, "Samples", "hello");

        (int code, string output, string error) = await RunAsync(
            "import", layout, "samples/imported:1.0", "--region", "eu", "--topology", harness.TopologyPath, "--server", harness.BaseAddress.ToString());

        Assert.True(code == GeoSyncCli.Success, error);
        Assert.Contains("imported samples/imported:1.0", output);
        await harness.WaitForAsync("samples/imported", "1.0", "Synced");
        foreach (string region in harness.RegionNames)
        {
            Assert.NotNull(await harness.Store(region).Inner.ReadTagAsync(RepositoryName.Parse("samples/imported"), Tag.Parse("1.0")));
        }
    }

    [Theory]
    [InlineData("Bad/Name:1.0", "reference 'Bad/Name:1.0'")]
    [InlineData("samples/x", "a tag is required")]
    public async Task Import_BadReference_Exit2NamingIt(string reference, string expected)
    {
        await using EngineHarness harness = await EngineHarness.StartAsync();
        (int code, _, string error) = await RunAsync("import", "/nonexistent", reference, "--region", "eu", "--topology", harness.TopologyPath);
        Assert.Equal(GeoSyncCli.InvalidInput, code);
        Assert.Contains(expected, error);
    }

    [Fact]
    public async Task Resync_ImageWhoseNotificationWasLost_ReplicatesTheDifference()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync();
        TestImage image = TestImage.Single("lost", TestImage.Layer("lost-notification", 2048));
        // The registry restarted and dropped its notification: the image is in eu's store, and nobody told GeoSync.
        await image.PushToAsync(harness.Store("eu").Inner, "team/lost", "v1");

        (int code, string output, string error) = await RunAsync("resync", "team/lost", "--topology", harness.TopologyPath, "--server", harness.BaseAddress.ToString());

        Assert.True(code == GeoSyncCli.Success, error);
        Assert.Contains("1 tags re-planned", output);
        await harness.WaitForAsync("team/lost", "v1", "Synced");
        foreach (string region in harness.RegionNames)
        {
            Assert.True(await new Holding.TagAt(region, "team/lost", "v1", image.Root.Digest).IsHeldAsync(harness.Store(region).Inner), region);
        }
    }

    [Fact]
    public async Task Resync_TargetLostABlob_CopiesItAgain()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync();
        byte[] layer = TestImage.Layer("lost-blob", 4096);
        TestImage image = TestImage.Single("heal", layer);
        await harness.PushAsync("eu", "team/heal", "v1", image);
        await harness.WaitForAsync("team/heal", "v1", "Synced");

        // Someone removed a blob from us's store behind GeoSync's back.
        string blob = Path.Combine(harness.Directory.Combine("data", "regions", "us"), Storage.Layout.DistributionLayout.BlobData(Domain.Content.Digest.Compute(layer)));
        File.Delete(blob);

        int replanned = await harness.ResyncAsync(null, null);
        Assert.True(replanned >= 1);
        await Testing.Eventually.HoldsAsync(() => File.Exists(blob), TimeSpan.FromSeconds(20), "the lost blob is copied to us again");
    }
}

/// <summary>Command lines that do not parse are invalid input.</summary>
public sealed class CommandLineParseTests
{
    [Theory]
    [InlineData("topology", "validate")]
    [InlineData("import", "only-a-layout")]
    [InlineData("status", "--no-such-option")]
    public async Task Run_UnparsableCommandLine_Exit2WithTheParserMessage(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await GeoSyncCli.RunAsync(args, output, error);
        Assert.Equal(GeoSyncCli.InvalidInput, code);
        Assert.False(string.IsNullOrWhiteSpace(error.ToString()));
    }
}

/// <summary>Every command that reaches the engine rejects a <c>--server</c> that is not a URL, naming it.</summary>
public sealed class ServerOptionTests
{
    [Theory]
    [InlineData("resync", "team/app")]
    [InlineData("status", "team/app")]
    [InlineData("deliveries")]
    public async Task Run_ServerNotAUrl_Exit2NamingTheOption(params string[] command)
    {
        string topology = Path.Combine(TopologyRoot(), "appsettings.regions.json");
        using var output = new StringWriter();
        using var error = new StringWriter();
        int code = await GeoSyncCli.RunAsync([.. command, "--topology", topology, "--server", "not a url"], output, error);
        Assert.Equal(GeoSyncCli.InvalidInput, code);
        Assert.Contains("--server 'not a url'", error.ToString());
    }

    private static string TopologyRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "GeoSync.sln")))
            {
                return d.FullName;
            }
        }

        throw new DirectoryNotFoundException("GeoSync.sln not found above the test output");
    }
}
