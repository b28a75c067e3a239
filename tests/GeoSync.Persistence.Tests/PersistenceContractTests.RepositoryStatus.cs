using System.Collections.Concurrent;

namespace GeoSync.Persistence.Tests;

public abstract partial class PersistenceContractTests
{
    private static RepositoryStatusRow Status(string repository, long sequence, string note = "", int second = 0) =>
        new(repository, sequence, $$"""{"repository":"{{repository}}","sequence":{{sequence}},"note":"{{note}}"}""", T0.AddSeconds(second));

    private static async Task<List<RepositoryStatusRow>> ReadAllStatusAsync(GeoSyncDatabase database)
    {
        var rows = new List<RepositoryStatusRow>();
        await foreach (RepositoryStatusRow row in database.RepositoryStatus.ReadAllAsync())
        {
            rows.Add(row);
        }

        return rows;
    }

    [Fact]
    public async Task ListUnfinishedAsync_FollowsEachRepositorysLatestPublish()
    {
        await Db.RepositoryStatus.PublishAsync(Status("team/busy", 1) with { Unfinished = true });
        await Db.RepositoryStatus.PublishAsync(Status("team/done", 1));
        await Db.RepositoryStatus.PublishAsync(Status("team/settling", 1) with { Unfinished = true });
        await Db.RepositoryStatus.PublishAsync(Status("team/settling", 2));
        // A stale publish (lower sequence) changes nothing, this flag included.
        await Db.RepositoryStatus.PublishAsync(Status("team/done", 0) with { Unfinished = true });

        Assert.Equal(["team/busy"], await Db.RepositoryStatus.ListUnfinishedAsync());
        Assert.True((await Db.RepositoryStatus.FindAsync("team/busy"))!.Unfinished);
        Assert.False((await Db.RepositoryStatus.FindAsync("team/settling"))!.Unfinished);
    }

    [Fact]
    public async Task PublishAsync_NewRows_FindListAndReadAllReturnThemInOrdinalOrder()
    {
        Assert.Empty(await Db.RepositoryStatus.ListRepositoriesAsync());
        Assert.Empty(await ReadAllStatusAsync(Db));
        // Ordinal, not linguistic: upper case before lower case, '-' before '/'.
        string[] published = ["team/b", "team/a/b", "Team/z", "team/a-b", "team/a", "team/é"];
        foreach ((string repository, int i) in published.Select((r, i) => (r, i)))
        {
            await Db.RepositoryStatus.PublishAsync(Status(repository, 10 + i, second: i));
        }

        string[] ordinal = ["Team/z", "team/a", "team/a-b", "team/a/b", "team/b", "team/é"];
        Assert.Equal(ordinal, await Db.RepositoryStatus.ListRepositoriesAsync());
        Assert.Equal(
            ordinal.Select(r => Status(r, 10 + Array.IndexOf(published, r), second: Array.IndexOf(published, r))),
            await ReadAllStatusAsync(Db));
        Assert.Equal(Status("team/a/b", 11, second: 1), await Db.RepositoryStatus.FindAsync("team/a/b"));
        Assert.Null(await Db.RepositoryStatus.FindAsync("team/none"));
        Assert.Null(await Db.RepositoryStatus.FindAsync("TEAM/B"));
    }

    [Fact]
    public async Task PublishAsync_LowerSequenceThanStored_IsIgnored()
    {
        RepositoryStatusRow live = Status("team/a", 5, "live", second: 5);
        await Db.RepositoryStatus.PublishAsync(live);

        // A stale activation publishes later in time, but from an older point in the inbox.
        await Db.RepositoryStatus.PublishAsync(Status("team/a", 4, "stale", second: 9));

        Assert.Equal(live, await Db.RepositoryStatus.FindAsync("team/a"));
        Assert.Equal([live], await ReadAllStatusAsync(Db));
    }

    [Fact]
    public async Task PublishAsync_EqualOrHigherSequence_Replaces()
    {
        await Db.RepositoryStatus.PublishAsync(Status("team/a", 5, "first", second: 1));

        RepositoryStatusRow again = Status("team/a", 5, "again", second: 2);
        await Db.RepositoryStatus.PublishAsync(again);
        Assert.Equal(again, await Db.RepositoryStatus.FindAsync("team/a"));

        RepositoryStatusRow later = Status("team/a", 6, "later", second: 1);
        await Db.RepositoryStatus.PublishAsync(later);
        Assert.Equal(later, await Db.RepositoryStatus.FindAsync("team/a"));
        Assert.Equal(["team/a"], await Db.RepositoryStatus.ListRepositoriesAsync());
    }

    [Fact]
    public async Task PublishAsync_TimeWithOffsetAndSubMilliseconds_ReadBackAsTheSameInstantToTheMillisecond()
    {
        var publishedAt = new DateTimeOffset(2026, 3, 1, 14, 0, 0, TimeSpan.FromHours(2)).AddTicks(12_345);

        await Db.RepositoryStatus.PublishAsync(Status("team/a", 1) with { PublishedAt = publishedAt });

        RepositoryStatusRow found = (await Db.RepositoryStatus.FindAsync("team/a"))!;
        Assert.Equal(T0.AddMilliseconds(1), found.PublishedAt);
        Assert.Equal(found, Assert.Single(await ReadAllStatusAsync(Db)));
    }

    [Fact]
    public async Task PublishAsync_WithoutRepositoryOrDocument_ThrowsAndWritesNothing()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Db.RepositoryStatus.PublishAsync(Status("", 1)));
        await Assert.ThrowsAsync<ArgumentException>(() => Db.RepositoryStatus.PublishAsync(Status("team/a", 1) with { Document = null! }));

        Assert.Empty(await Db.RepositoryStatus.ListRepositoriesAsync());
    }

    [Fact]
    public async Task PublishAsync_ThenReopened_RowsSurviveAndStalePublishesStayIgnored()
    {
        await Db.RepositoryStatus.PublishAsync(Status("team/b", 7, "b"));
        await Db.RepositoryStatus.PublishAsync(Status("team/a", 3, "a"));
        await Db.DisposeAsync();

        GeoSyncDatabase reopened = await OpenAsync();
        await reopened.RepositoryStatus.PublishAsync(Status("team/b", 6, "stale"));

        Assert.Equal([Status("team/a", 3, "a"), Status("team/b", 7, "b")], await ReadAllStatusAsync(reopened));
    }

    [Fact]
    public async Task PublishAsync_ManyConcurrentPublishers_EveryRowLandsAtItsHighestSequence()
    {
        // More repositories than one page of ReadAllAsync (500), each published three times in shuffled order, so
        // that publishes of one repository race each other.
        const int Repositories = 1100;
        const int Sequences = 3;
        RepositoryStatusRow[] publishes = [.. Enumerable.Range(0, Repositories * Sequences).Select(n => Status($"team/r{n / Sequences}", 1 + (n % Sequences), $"n{n % Sequences}"))];
        new Random(7).Shuffle(publishes);
        var queue = new ConcurrentQueue<RepositoryStatusRow>(publishes);

        // 16 publishers: enough to race, and few enough connections beside the other PostgreSQL tests of this run.
        await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            while (queue.TryDequeue(out RepositoryStatusRow? row))
            {
                await Db.RepositoryStatus.PublishAsync(row);
            }
        })));

        string[] repositories = [.. Enumerable.Range(0, Repositories).Select(i => $"team/r{i}").Order(StringComparer.Ordinal)];
        Assert.Equal(repositories, await Db.RepositoryStatus.ListRepositoriesAsync());
        Assert.Equal(repositories.Select(r => Status(r, Sequences, $"n{Sequences - 1}")), await ReadAllStatusAsync(Db));
    }

    [Fact]
    public async Task OpenAsync_SeveralNodesStartingTogetherOnAnEarlierVersion_AllShareTheStatusTable()
    {
        // A database of an earlier version, with no status table, as an upgraded cluster's nodes all find it at once.
        PersistenceOptions earlier = await CreateEarlierVersionInboxAsync([(Event("a1", "team/a"), false)]);

        GeoSyncDatabase[] nodes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => GeoSyncDatabase.OpenAsync(earlier))));
        _opened.AddRange(nodes);
        await Task.WhenAll(nodes.Select((node, i) => node.RepositoryStatus.PublishAsync(Status($"team/n{i}", 1))));

        foreach (GeoSyncDatabase node in nodes)
        {
            Assert.Equal(["team/n0", "team/n1", "team/n2"], await node.RepositoryStatus.ListRepositoriesAsync());
            Assert.Equal(["a1"], (await node.Inbox.ReadPendingAsync("team/a", 0, 10)).Select(e => e.Event.EventId));
        }
    }
}
