using System.Text.Json;
using GeoSync.Host.Cli;
using GeoSync.Host.Tests.Support;
using GeoSync.Testing;

namespace GeoSync.Host.Tests.Status;

/// <summary><c>geosync status</c> and <c>geosync deliveries</c> against a running engine.</summary>
public sealed class StatusCliTests(StatusEngineFixture fixture) : IClassFixture<StatusEngineFixture>
{
    private EngineHarness Harness => fixture.Harness;

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await GeoSyncCli.RunAsync([.. args, "--topology", Harness.TopologyPath, "--server", Harness.BaseAddress.ToString()], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Status_AllSynced_Exit0TableWithEveryRegion()
    {
        (int exit, string output, string error) = await RunAsync("status", "team/status");

        Assert.True(exit == GeoSyncCli.Success, error + output);
        Assert.Contains("team/status:v1", output, StringComparison.Ordinal);
        Assert.All(Harness.RegionNames, r => Assert.Contains(r, output, StringComparison.Ordinal));
        Assert.Contains("Synced", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status", "team/status")]
    [InlineData("resync", "team/never-pushed")]
    [InlineData("deliveries", "--repository", "team/status")]
    public async Task Command_ServerWithoutTopology_ReadsNoTopologyFile(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        // From the test's folder the repository's default topology would be found, and its status token is not set here.
        int exit = await GeoSyncCli.RunAsync([.. args, "--server", Harness.BaseAddress.ToString()], output, error);

        Assert.True(exit == GeoSyncCli.Success, error.ToString() + output);
        if (args[0] == "status")
        {
            Assert.All(Harness.RegionNames, r => Assert.Contains(r, output.ToString(), StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("status", "team/status")]
    [InlineData("status", "team/status", "--watch")]
    [InlineData("deliveries", "--repository", "team/status")]
    public async Task Command_OutputRedirected_PlainTableWithoutEscapeCodes(params string[] args)
    {
        (int exit, string output, string error) = await RunAsync(args);

        Assert.True(exit == GeoSyncCli.Success, error + output);
        Assert.DoesNotContain('\u001b', output);
        // One table, drawn once: a watch into a pipe prints the final state, not each redraw.
        Assert.Single(output.Split('\n'), l => l.StartsWith('╭'));
    }

    [Fact]
    public async Task Status_Json_PrintsEveryRegionSyncedAndSettled()
    {
        (int exit, string output, string error) = await RunAsync("status", "team/status:v1", "--json");

        Assert.True(exit == GeoSyncCli.Success, error);
        using JsonDocument json = JsonDocument.Parse(output);
        Assert.True(json.RootElement.GetProperty("settled").GetBoolean());
        JsonElement tag = Assert.Single(Assert.Single(json.RootElement.GetProperty("repositories").EnumerateArray()).GetProperty("tags").EnumerateArray());
        Assert.Equal(fixture.Image.Root.Digest.ToString(), tag.GetProperty("digest").GetString());
        Assert.Equal(
            Harness.RegionNames.Order(),
            tag.GetProperty("regions").EnumerateArray().Where(r => r.GetProperty("state").GetString() == "Synced").Select(r => r.GetProperty("region").GetString()!).Order());
    }

    [Theory]
    [InlineData("status", "Team Status")]
    [InlineData("status", "team/status:bad tag!")]
    [InlineData("deliveries", "--state", "Lost")]
    [InlineData("deliveries", "--region", "mars")]
    [InlineData("deliveries", "redeliver", "no-such-delivery")]
    public async Task Command_BadInput_Exit2WithMessage(params string[] args)
    {
        (int exit, _, string error) = await RunAsync(args);

        Assert.Equal(GeoSyncCli.InvalidInput, exit);
        Assert.NotEmpty(error);
    }

    [Fact]
    public async Task Status_UnknownTag_Exit1()
    {
        (int exit, _, _) = await RunAsync("status", "team/status:never-pushed");

        Assert.Equal(GeoSyncCli.NotSatisfied, exit);
    }

    [Fact]
    public async Task StatusWatch_RegionStoreDown_WaitsThroughRetriesUntilItsTimeoutThenSeesTheRecovery()
    {
        TestImage image = TestImage.Single("cli-down", TestImage.Layer("cli-down", 2048));
        Harness.Store("ap").Down = true;
        try
        {
            await Harness.PushAsync("eu", "team/down", "v1", image);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            (int exit, string output, string error) = await RunAsync("status", "team/down:v1", "--watch", "--json", "--interval", "100ms", "--timeout", "3s");

            // A failure with a retry scheduled does not end the watch: its timeout does, with exit 1.
            Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(2.9), $"the watch ended after {watch.Elapsed}");
            Assert.True(exit == GeoSyncCli.NotSatisfied, error + output);
            using JsonDocument json = JsonDocument.Parse(output);
            JsonElement ap = json.RootElement.GetProperty("repositories")[0].GetProperty("tags")[0].GetProperty("regions").EnumerateArray().Single(r => r.GetProperty("region").GetString() == "ap");
            Assert.Equal("Failed", ap.GetProperty("state").GetString());
            Assert.Equal(JsonValueKind.String, ap.GetProperty("nextAttemptAt").ValueKind);
        }
        finally
        {
            Harness.Store("ap").Down = false;
        }

        // No resync: the scheduled retry finds the store back, and the watch waits for it.
        (int after, string text, string err) = await RunAsync("status", "team/down:v1", "--watch", "--interval", "100ms", "--timeout", "60s");
        Assert.True(after == GeoSyncCli.Success, err + text);
        Assert.Contains("team/down:v1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deliveries_Json_OneDeliveredPerRegionWithAttempts()
    {
        (int exit, string output, string error) = await RunAsync("deliveries", "--repository", "team/status", "--state", "Delivered", "--json");

        Assert.True(exit == GeoSyncCli.Success, error);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement[] deliveries = [.. json.RootElement.GetProperty("deliveries").EnumerateArray()];
        Assert.Equal(Harness.RegionNames.Order(), deliveries.Select(d => d.GetProperty("region").GetString()!).Order());
        Assert.All(deliveries, d => Assert.Equal(200, d.GetProperty("attemptLog")[0].GetProperty("statusCode").GetInt32()));
    }

    [Fact]
    public async Task DeliveriesRedeliver_KnownId_Exit0AndReceiverGetsItAgain()
    {
        (_, string listed, _) = await RunAsync("deliveries", "--region", "us", "--repository", "team/status", "--json");
        using JsonDocument json = JsonDocument.Parse(listed);
        JsonElement delivery = json.RootElement.GetProperty("deliveries")[0];
        string endpoint = WebhookedEngine.EndpointOf("us");
        int before = fixture.Engine.Receiver.Received(endpoint).Count;

        (int exit, string output, string error) = await RunAsync("deliveries", "redeliver", delivery.GetProperty("id").GetString()!);

        Assert.True(exit == GeoSyncCli.Success, error);
        Assert.Contains(delivery.GetProperty("webhookId").GetString()!, output, StringComparison.Ordinal);
        await Eventually.HoldsAsync(() => fixture.Engine.Receiver.Received(endpoint).Count > before, TimeSpan.FromSeconds(30), "the redelivery");
    }

    [Fact]
    public async Task Deliveries_Table_ListsEachRegionsEndpoint()
    {
        (int exit, string output, string error) = await RunAsync("deliveries");

        Assert.True(exit == GeoSyncCli.Success, error);
        Assert.All(Harness.RegionNames, r => Assert.Contains($"{r}/{WebhookedEngine.EndpointOf(r)}", output, StringComparison.Ordinal));
    }
}
