using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GeoSync.Host.Cli;
using GeoSync.Host.Client;
using GeoSync.Host.Status;
using GeoSync.Host.Tests.Support;
using GeoSync.Testing;

namespace GeoSync.Host.Tests.Replication;

/// <summary>
/// Events that can never succeed, against a running engine with filesystem regions: a push notified for content that
/// was never written at its source is retried until the abandon bound, then Abandoned; status shows it apart (exit 3);
/// an operator lists it, retries it once the content is there (Synced), or drops it (status settles, exit 0).
/// </summary>
public sealed class AbandonedEventEndToEndTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task NeverExistingManifest_AbandonedAfterTheBound_ListedThenRetriedOrDropped()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(regions: ["eu", "us"], abandonAfter: TimeSpan.FromSeconds(2));
        TestImage late = TestImage.Single("abandoned-late", TestImage.Layer("abandoned-late", 2000));
        TestImage never = TestImage.Single("abandoned-never", TestImage.Layer("abandoned-never", 2000));
        TestImage fine = TestImage.Single("abandoned-fine", TestImage.Layer("abandoned-fine", 2000));
        await harness.PushAsync("eu", "team/fine", "v1", fine);
        // Notifications of pushes whose manifests eu's store never held.
        await harness.NotifyPushAsync("eu", "team/late", "v1", late, eventId: "late-push");
        await harness.NotifyPushAsync("eu", "team/never", "v1", never, eventId: "never-push");

        await harness.WaitForAsync("team/late", "v1", "Abandoned", timeout: Deadline);
        await harness.WaitForAsync("team/never", "v1", "Abandoned", timeout: Deadline);
        await harness.WaitForAsync("team/fine", "v1", "Synced");
        Assert.Equal(GeoSyncCli.Abandoned, (await CliAsync(harness, "status")).Exit);
        (int exit, string output) = await CliAsync(harness, "status", "team/late");
        Assert.Equal(GeoSyncCli.Abandoned, exit);
        Assert.Contains("Abandoned", output, StringComparison.Ordinal);
        // Given up: nothing is retried any more, the regions have no work left.
        RegionOverview eu = (await harness.Client.ListRegionsAsync()).Single(r => r.Region == "eu");
        Assert.Equal((0L, 2L), (eu.Backlog, eu.States["Abandoned"]));

        (exit, output) = await CliAsync(harness, "events", "abandoned", "--json");
        Assert.Equal(GeoSyncCli.Success, exit);
        AbandonedEventList listed = JsonSerializer.Deserialize<AbandonedEventList>(output, GeoSyncClient.Json)!;
        Assert.Equal(["late-push", "never-push"], listed.Events.Select(e => e.EventId));
        Assert.All(listed.Events, e => Assert.Equal(["eu", "us"], e.Regions.Select(r => r.Region)));

        // The content turns up at the source: a retry of the event syncs it.
        await late.PushToAsync(harness.Store("eu").Inner, "team/late", "v1");
        Assert.Equal(GeoSyncCli.Success, (await CliAsync(harness, "events", "retry", "late-push")).Exit);
        await harness.WaitForAsync("team/late", "v1", "Synced", digest: late.Root.Digest);

        // The other never will: dropped by repository, durably (a restart does not bring it back).
        (exit, output) = await CliAsync(harness, "events", "drop", "team/never");
        Assert.Equal((GeoSyncCli.Success, "dropped 2 abandoned regions of team/never"), (exit, output.Trim()));
        await harness.RestartAsync();
        await harness.ResyncAsync("team/never", null);
        Assert.Empty((await harness.StatusAsync("team/never")).Tags);
        Assert.Empty((await harness.Client.ListAbandonedAsync()).Events);
        Assert.Equal(GeoSyncCli.Success, (await CliAsync(harness, "status")).Exit);
        Assert.Equal(GeoSyncCli.Success, (await CliAsync(harness, "status", "team/fine")).Exit);
    }

    [Fact]
    public async Task AbandonedEventsApi_BadSelections_ProblemsNamingTheField()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(regions: ["eu", "us"]);

        await AssertProblemAsync(harness, "retry", new { eventId = "x", repository = "team/app" }, HttpStatusCode.BadRequest, "eventId");
        await AssertProblemAsync(harness, "drop", new { }, HttpStatusCode.BadRequest, "eventId");
        await AssertProblemAsync(harness, "retry", new { repository = "Team/App" }, HttpStatusCode.BadRequest, "repository");
        await AssertProblemAsync(harness, "retry", new { eventId = "x", tag = "v1" }, HttpStatusCode.BadRequest, "tag");
        await AssertProblemAsync(harness, "drop", new { repository = "team/app", region = "mars" }, HttpStatusCode.BadRequest, "region");
        await AssertProblemAsync(harness, "drop", new { eventId = "no-such-event" }, HttpStatusCode.NotFound, null);
        using HttpResponseMessage list = await harness.Http.GetAsync("v1/events/abandoned?limit=0");
        Assert.Equal(HttpStatusCode.BadRequest, list.StatusCode);
        Assert.Contains("\"field\":\"limit\"", await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        (int exit, _) = await CliAsync(harness, "events", "retry", "Not A Target");
        Assert.Equal(GeoSyncCli.InvalidInput, exit);
        (exit, _) = await CliAsync(harness, "events", "drop", "team/app:v1");
        Assert.Equal(GeoSyncCli.NotSatisfied, exit);
    }

    private static async Task AssertProblemAsync(EngineHarness harness, string action, object body, HttpStatusCode status, string? field)
    {
        using HttpResponseMessage response = await harness.Http.PostAsJsonAsync($"v1/events/abandoned/{action}", body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null)
        {
            Assert.Contains($"\"field\":\"{field}\"", text, StringComparison.Ordinal);
        }
    }

    private static async Task<(int Exit, string Output)> CliAsync(EngineHarness harness, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await GeoSyncCli.RunAsync([.. args, "--server", harness.BaseAddress.ToString()], output, error);
        return (exit, output + error.ToString());
    }
}
