namespace GeoSync.Persistence.Tests;

/// <summary>The paged, filtered listing of status rows, and the states column an earlier database gains.</summary>
public abstract partial class PersistenceContractTests
{
    private async Task PublishStatesAsync(params (string Repository, RepositoryStates States)[] rows)
    {
        foreach ((string repository, RepositoryStates states) in rows)
        {
            await Db.RepositoryStatus.PublishAsync(Status(repository, 1) with
            {
                States = states,
                Unfinished = (states & RepositoryStates.Unsettled) != RepositoryStates.None,
            });
        }
    }

    private async Task<List<string>> WalkAsync(string prefix, RepositoryStates anyOf, int limit)
    {
        var names = new List<string>();
        string? after = null;
        while (true)
        {
            IReadOnlyList<string> page = await Db.RepositoryStatus.ListPageAsync(new RepositoryStatusPage(after, prefix, anyOf, limit));
            names.AddRange(page);
            if (page.Count < limit)
            {
                return names;
            }

            after = page[^1];
        }
    }

    [Fact]
    public async Task ListPageAsync_WalkedPageByPage_ReturnsEveryRepositoryOnceInOrdinalOrder()
    {
        string[] repositories = [.. Enumerable.Range(0, 23).Select(i => $"team/r{i:D2}").Append("Team/upper").Append("team-x/a")];
        await PublishStatesAsync([.. repositories.Select(r => (r, RepositoryStates.Synced))]);

        Assert.Equal(repositories.Order(StringComparer.Ordinal), await WalkAsync(string.Empty, RepositoryStates.None, limit: 5));
        Assert.Equal(["team/r00", "team/r01"], await Db.RepositoryStatus.ListPageAsync(new RepositoryStatusPage(null, string.Empty, RepositoryStates.None, 2) with { After = "team-x/a" }));
    }

    [Fact]
    public async Task ListPageAsync_PrefixAndStates_ReturnOnlyMatchingRows()
    {
        await PublishStatesAsync(
            ("team/a", RepositoryStates.Synced),
            ("team/b", RepositoryStates.Synced | RepositoryStates.Failed),
            ("team/c", RepositoryStates.Pending),
            ("team/c/d", RepositoryStates.Copying | RepositoryStates.Synced),
            ("team-other/e", RepositoryStates.Failed),
            ("teams/f", RepositoryStates.Deleted),
            ("other/g", RepositoryStates.Pending));

        Assert.Equal(["team/a", "team/b", "team/c", "team/c/d"], await WalkAsync("team/", RepositoryStates.None, 2));
        Assert.Equal(["team-other/e", "team/b"], await WalkAsync(string.Empty, RepositoryStates.Failed, 1));
        Assert.Equal(["team/b", "team/c", "team/c/d"], await WalkAsync("team/", RepositoryStates.Unsettled, 2));
        Assert.Equal(["other/g", "team/c"], await WalkAsync(string.Empty, RepositoryStates.Pending, 10));
        Assert.Equal(["team/a", "team/b", "team/c/d"], await WalkAsync(string.Empty, RepositoryStates.Synced, 10));
        Assert.Equal(["teams/f"], await WalkAsync("team", RepositoryStates.Deleted, 10));
        Assert.Empty(await WalkAsync("nobody/", RepositoryStates.None, 10));
    }

    [Fact]
    public async Task ListPageAsync_Abandoned_ListedApartFromTheUnsettled()
    {
        await PublishStatesAsync(
            ("team/a", RepositoryStates.Synced | RepositoryStates.Abandoned),
            ("team/b", RepositoryStates.Failed),
            ("team/c", RepositoryStates.Abandoned | RepositoryStates.Pending),
            ("team/d", RepositoryStates.Synced),
            ("other/e", RepositoryStates.Abandoned));

        Assert.Equal(["other/e", "team/a", "team/c"], await WalkAsync(string.Empty, RepositoryStates.Abandoned, 2));
        Assert.Equal(["team/a", "team/c"], await WalkAsync("team/", RepositoryStates.Abandoned, 10));
        Assert.Equal(["team/b", "team/c"], await WalkAsync(string.Empty, RepositoryStates.Unsettled, 10));
        Assert.Equal(["team/b", "team/c"], await Db.RepositoryStatus.ListUnfinishedAsync());

        // Retried or dropped: the row leaves the abandoned listing.
        await Db.RepositoryStatus.PublishAsync(Status("team/a", 2) with { States = RepositoryStates.Synced });
        Assert.Equal(["other/e", "team/c"], await WalkAsync(string.Empty, RepositoryStates.Abandoned, 10));
    }

    [Fact]
    public async Task ListPageAsync_RowRepublishedSettled_LeavesTheUnsettledFilters()
    {
        await PublishStatesAsync(("team/a", RepositoryStates.Failed));
        Assert.Equal(["team/a"], await WalkAsync(string.Empty, RepositoryStates.Failed, 10));

        await Db.RepositoryStatus.PublishAsync(Status("team/a", 2) with { States = RepositoryStates.Synced });

        Assert.Empty(await WalkAsync(string.Empty, RepositoryStates.Unsettled, 10));
        Assert.Equal(RepositoryStates.Synced, (await Db.RepositoryStatus.FindAsync("team/a"))!.States);
    }

    /// <summary>
    /// Writes, into a new database, the status table of the version before the states column, with these rows
    /// (unfinished as given), and returns options naming that database.
    /// </summary>
    protected abstract Task<PersistenceOptions> CreateEarlierVersionStatusAsync(IReadOnlyList<(string Repository, string Document, bool Unfinished)> rows);

    [Fact]
    public async Task OpenAsync_EarlierStatusRows_GainTheirStatesFromTheirDocuments()
    {
        // Documents as the grains wrote them: a state per region of each tag and of each deletion.
        static string Document(string tagState, string? deletionState = null)
        {
            string deletions = deletionState is null ? "{}" : "{\"sha256:00\":{\"regions\":{\"us\":{\"state\":\"" + deletionState + "\"}}}}";
            return "{\"lastSequence\":3,\"tags\":{\"v1\":{\"desired\":{\"mediaType\":\"m\",\"sourceRegion\":\"eu\"},\"regions\":{" +
                "\"eu\":{\"state\":\"Synced\",\"rule\":\"\"},\"us\":{\"state\":\"" + tagState + "\",\"rule\":\"r\"}}}},\"deletions\":" + deletions + "}";
        }

        PersistenceOptions earlier = await CreateEarlierVersionStatusAsync(
        [
            ("team/a", Document("Synced"), false),
            ("team/b", Document("Failed"), true),
            ("team/c", Document("Copying", "Deleted"), true),
            ("team/d", """{"lastSequence":1,"tags":{},"deletions":{}}""", false),
        ]);

        GeoSyncDatabase database = await GeoSyncDatabase.OpenAsync(earlier);
        _opened.Add(database);

        Assert.Equal(RepositoryStates.Synced, (await database.RepositoryStatus.FindAsync("team/a"))!.States);
        Assert.Equal(RepositoryStates.Synced | RepositoryStates.Failed, (await database.RepositoryStatus.FindAsync("team/b"))!.States);
        Assert.Equal(RepositoryStates.Synced | RepositoryStates.Copying | RepositoryStates.Deleted, (await database.RepositoryStatus.FindAsync("team/c"))!.States);
        Assert.Equal(RepositoryStates.None, (await database.RepositoryStatus.FindAsync("team/d"))!.States);
        Assert.Equal(["team/b", "team/c"], await database.RepositoryStatus.ListPageAsync(new RepositoryStatusPage(null, string.Empty, RepositoryStates.Unsettled, 10)));
        Assert.Equal(["team/b", "team/c"], await database.RepositoryStatus.ListUnfinishedAsync());

        // Opening it again changes nothing.
        await database.DisposeAsync();
        _opened.Remove(database);
        GeoSyncDatabase reopened = await GeoSyncDatabase.OpenAsync(earlier);
        _opened.Add(reopened);
        Assert.Equal(["team/b"], await reopened.RepositoryStatus.ListPageAsync(new RepositoryStatusPage(null, "team/", RepositoryStates.Failed, 10)));
    }
}
