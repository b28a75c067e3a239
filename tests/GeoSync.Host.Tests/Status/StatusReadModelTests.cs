using System.Net;
using GeoSync.Grains.Repositories;
using GeoSync.Host.Status;
using GeoSync.Host.Tests.Support;
using GeoSync.Persistence;
using GeoSync.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;

namespace GeoSync.Host.Tests.Status;

/// <summary>The status side reads what the repository grains publish: a query never activates a grain.</summary>
public sealed class StatusReadModelTests
{
    private const string Repository = "team/quiet";

    [Fact]
    public async Task StatusReads_AfterRestart_ShowThePublishedStateAndActivateNoRepositoryGrain()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(["eu", "us"]);
        TestImage image = TestImage.Single("quiet", TestImage.Layer("quiet", 2048));
        await harness.PushAsync("eu", Repository, "v1", image, eventId: "quiet-1");
        await harness.WaitForAsync(Repository, "v1", "Synced");
        await Eventually.HoldsAsync(async () => (await harness.Database.Inbox.FindAsync("quiet-1"))?.Applied == true, TimeSpan.FromSeconds(10), "the event applied");

        await harness.RestartAsync();
        RepositoryStatus status = await harness.StatusAsync(Repository);
        IReadOnlyList<string> repositories = await harness.Client.ListRepositoriesAsync();
        IReadOnlyList<RegionOverview> regions = await harness.Client.ListRegionsAsync();
        using HttpResponseMessage eventStatus = await harness.Http.GetAsync("v1/events/quiet-1");
        using HttpResponseMessage unknown = await harness.Http.GetAsync("v1/repositories/team/never-pushed");

        TagStatus tag = Assert.Single(status.Tags);
        Assert.Equal(image.Root.Digest.ToString(), tag.Digest);
        Assert.All(tag.Regions, r => Assert.Equal("Synced", r.State));
        Assert.Contains(Repository, repositories);
        Assert.All(regions, r => Assert.Equal(1, r.Synced));
        Assert.Equal(HttpStatusCode.OK, eventStatus.StatusCode);
        Assert.Contains("\"applied\":true", await eventStatus.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(0, await ActiveRepositoryGrainsAsync(harness));
    }

    [Fact]
    public async Task StatusWhileCopying_IsPublishedWithoutAskingTheGrain()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(["eu", "us"]);
        harness.Store("us").Down = true;
        TestImage image = TestImage.Single("held", TestImage.Layer("held", 2048));
        await harness.PushAsync("eu", "team/held", "v1", image);

        // The failed attempt is only in the grain's memory (the checkpoint may not be written yet): the row shows it.
        await harness.WaitForAsync("team/held", "v1", "Failed", ["us"]);
        RepositoryStatusRow? row = await harness.Services.GetRequiredService<IRepositoryStatusStore>().FindAsync("team/held");
        Assert.NotNull(row);
        RepositoryState published = RepositoryStatusDocument.Read(row);
        Assert.Equal(Domain.Replication.ReplicationState.Failed, published.Tags["v1"].Regions["us"].State);
        harness.Store("us").Down = false;
    }

    private static async Task<int> ActiveRepositoryGrainsAsync(EngineHarness harness)
    {
        IManagementGrain management = harness.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        SimpleGrainStatistic[] statistics = await management.GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType.Contains(nameof(RepositoryGrain), StringComparison.Ordinal)).Sum(s => s.ActivationCount);
    }
}
