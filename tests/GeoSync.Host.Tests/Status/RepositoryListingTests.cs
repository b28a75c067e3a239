using System.Collections.Immutable;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using GeoSync.Domain.Content;
using GeoSync.Domain.Replication;
using GeoSync.Grains.Repositories;
using GeoSync.Host.Cli;
using GeoSync.Host.Client;
using GeoSync.Host.Status;
using GeoSync.Host.Tests.Support;

namespace GeoSync.Host.Tests.Status;

/// <summary>
/// <c>GET /v1/repositories</c> a page at a time with its filters, and <c>geosync status</c>'s summary, over status
/// rows published straight into the read model (as the grains publish them) so that many repositories cost no
/// replication.
/// </summary>
public sealed class RepositoryListingTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private EngineHarness _harness = null!;

    public async Task InitializeAsync()
    {
        _harness = await EngineHarness.StartAsync();
        // 40 settled, 60 that need attention (one in three Failed), and a few outside team/.
        for (int i = 0; i < 40; i++)
        {
            await PublishAsync($"team/ok{i:D2}", ReplicationState.Synced);
        }

        for (int i = 0; i < 60; i++)
        {
            await PublishAsync($"team/busy{i:D2}", i % 3 == 0 ? ReplicationState.Failed : ReplicationState.Pending);
        }

        await PublishAsync("other/app", ReplicationState.Failed);
        await PublishAsync("other/gone", ReplicationState.Deleted);
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private Task PublishAsync(string repository, ReplicationState usState)
    {
        var desired = new DesiredTag(Digest.Compute([1]), "application/vnd.oci.image.manifest.v1+json", 1, T0, "eu", 0, $"e-{repository}", T0);
        ImmutableSortedDictionary<string, RegionTagRecord> regions = ImmutableSortedDictionary.CreateRange(StringComparer.Ordinal, new Dictionary<string, RegionTagRecord>
        {
            ["eu"] = new(ReplicationState.Synced, desired.Digest, string.Empty, SyncedAt: T0),
            ["us"] = new(usState, desired.Digest, "all", LastError: usState == ReplicationState.Failed ? "store unreachable" : null),
        });
        var state = new RepositoryState { LastSequence = 1, Tags = ImmutableSortedDictionary.Create<string, TagRecord>(StringComparer.Ordinal).Add("v1", new TagRecord(desired, regions)) };
        return _harness.Database.RepositoryStatus.PublishAsync(RepositoryStatusDocument.ToRow(repository, state, T0));
    }

    private async Task<List<string>> WalkAsync(string query)
    {
        var names = new List<string>();
        string? path = $"v1/repositories?{query}";
        while (path is not null)
        {
            using HttpResponseMessage response = await _harness.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            RepositoryList page = (await response.Content.ReadFromJsonAsync<RepositoryList>(GeoSyncClient.Json))!;
            names.AddRange(page.Repositories);
            string? link = response.Headers.TryGetValues("Link", out IEnumerable<string>? values) ? values.Single() : null;
            Assert.Equal(page.Next is null, link is null);
            // The Link header is the next page's URL, filters kept; following it walks the same pages as 'next'.
            path = link is null ? null : link[2..link.IndexOf('>', StringComparison.Ordinal)];
        }

        return names;
    }

    [Fact]
    public async Task ListRepositories_WalkedBySmallPages_EveryRepositoryOnceInOrdinalOrder()
    {
        List<string> walked = await WalkAsync("limit=7");

        Assert.Equal(102, walked.Count);
        Assert.Equal(walked.Order(StringComparer.Ordinal), walked);
        Assert.Equal(walked.Distinct(), walked);
        Assert.Equal(walked, await _harness.Client.ListRepositoriesAsync());
    }

    [Fact]
    public async Task ListRepositories_MatchAndState_OnlyThoseRepositories()
    {
        Assert.Equal(["other/app", .. Enumerable.Range(0, 60).Where(i => i % 3 == 0).Select(i => $"team/busy{i:D2}")], await WalkAsync("state=Failed&limit=4"));
        Assert.Equal(60, (await WalkAsync("match=team/**&state=attention&limit=9")).Count);
        Assert.Equal(["other/app", "other/gone"], await WalkAsync("match=other/*"));
        Assert.Equal(["other/gone"], await WalkAsync("state=deleted"));
        Assert.Equal(40, (await WalkAsync("match=**/ok*&state=Synced")).Count(n => n.StartsWith("team/ok", StringComparison.Ordinal)));

        RepositoryList first = await _harness.Client.ListRepositoryPageAsync(new RepositoryPageQuery { Match = "team/busy0*", State = "Pending", Limit = 3 });
        Assert.Equal(["team/busy01", "team/busy02", "team/busy04"], first.Repositories);
        RepositoryList second = await _harness.Client.ListRepositoryPageAsync(new RepositoryPageQuery { Match = "team/busy0*", State = "Pending", Limit = 3, After = first.Next });
        Assert.Equal(["team/busy05", "team/busy07", "team/busy08"], second.Repositories);
        Assert.Null(second.Next);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=5001", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("after=%25%25%25", "after")]
    [InlineData("after=", "after")]
    [InlineData("match=Team/*", "match")]
    [InlineData("match=team//app", "match")]
    [InlineData("state=Lost", "state")]
    [InlineData("state=3", "state")]
    public async Task ListRepositories_BadParameter_400ProblemNamingIt(string query, string parameter)
    {
        using HttpResponseMessage response = await _harness.Http.GetAsync($"v1/repositories?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(parameter, problem.RootElement.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Status_NoRepository_SummaryPerRegionThenAPageOfThoseNeedingAttention()
    {
        (int exit, string output, string error) = await RunAsync("status");

        Assert.True(exit == GeoSyncCli.NotSatisfied, error + output);
        Assert.Contains("backlog", output, StringComparison.Ordinal);
        Assert.All(_harness.RegionNames, r => Assert.Contains(r, output, StringComparison.Ordinal));
        // A page of the 61 that need attention, in order; none of the settled ones.
        Assert.Contains("other/app:v1", output, StringComparison.Ordinal);
        Assert.Contains($"team/busy{StatusSelection.PageSize - 2:D2}:v1", output, StringComparison.Ordinal);
        Assert.DoesNotContain($"team/busy{StatusSelection.PageSize - 1:D2}:v1", output, StringComparison.Ordinal);
        Assert.DoesNotContain("team/ok", output, StringComparison.Ordinal);
        Assert.Contains($"{StatusSelection.PageSize} repositories shown, {61 - StatusSelection.PageSize} more", output, StringComparison.Ordinal);
        Assert.Contains("--match", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_NoRepositoryJson_RegionCountsAndTheFilteredRepositories()
    {
        (int exit, string output, string error) = await RunAsync("status", "--json", "--match", "other/**", "--state", "Failed");

        Assert.True(exit == GeoSyncCli.NotSatisfied, error + output);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement us = json.RootElement.GetProperty("regions").EnumerateArray().Single(r => r.GetProperty("region").GetString() == "us");
        Assert.Equal(21, us.GetProperty("states").GetProperty("Failed").GetInt64());
        Assert.Equal(40, us.GetProperty("states").GetProperty("Pending").GetInt64());
        Assert.Equal(61, us.GetProperty("backlog").GetInt64());
        Assert.Equal("other/app", Assert.Single(json.RootElement.GetProperty("repositories").EnumerateArray()).GetProperty("repository").GetString());
        Assert.Equal(0, json.RootElement.GetProperty("more").GetInt64());
    }

    [Theory]
    [InlineData("status", "--state", "Lost")]
    [InlineData("status", "--match", "Team/*")]
    [InlineData("status", "team/ok00", "--state", "Failed")]
    public async Task Status_BadListingOption_Exit2WithMessage(params string[] args)
    {
        (int exit, _, string error) = await RunAsync(args);

        Assert.Equal(GeoSyncCli.InvalidInput, exit);
        Assert.NotEmpty(error);
    }

    private async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = await GeoSyncCli.RunAsync([.. args, "--topology", _harness.TopologyPath, "--server", _harness.BaseAddress.ToString()], output, error);
        return (exit, output.ToString(), error.ToString());
    }
}
