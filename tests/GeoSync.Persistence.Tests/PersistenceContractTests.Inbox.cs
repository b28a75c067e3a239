using System.Collections.Concurrent;

namespace GeoSync.Persistence.Tests;

public abstract partial class PersistenceContractTests
{
    [Fact]
    public async Task AppendAsync_NewEvents_ReturnsCountAndReadsThemBackInOrder()
    {
        int added = await Db.Inbox.AppendAsync([Event("e1", second: 1), Event("e2", second: 2), Event("e3", second: 3)]);

        IReadOnlyList<InboxEntry> entries = await Db.Inbox.ReadPendingAsync("team/app", 0, 10);

        Assert.Equal(3, added);
        Assert.Equal([Event("e1", second: 1), Event("e2", second: 2), Event("e3", second: 3)], entries.Select(e => e.Event));
        Assert.True(entries[0].Sequence > 0 && entries[0].Sequence < entries[1].Sequence && entries[1].Sequence < entries[2].Sequence);
        Assert.All(entries, e => Assert.False(e.Applied));
    }

    [Fact]
    public async Task AppendAsync_DuplicateIdFromSameRegion_IsIgnoredAndNotCounted()
    {
        await Db.Inbox.AppendAsync([Event("e1")]);

        int again = await Db.Inbox.AppendAsync([Event("e1") with { Payload = "{}" }, Event("e2")]);
        int sameIdOtherRegion = await Db.Inbox.AppendAsync([Event("e1", region: "us")]);
        int twiceInOneCall = await Db.Inbox.AppendAsync([Event("e3"), Event("e3")]);

        Assert.Equal((1, 1, 1), (again, sameIdOtherRegion, twiceInOneCall));
        IReadOnlyList<InboxEntry> entries = await Db.Inbox.ReadPendingAsync("team/app", 0, 10);
        Assert.Equal(["eu/e1", "eu/e2", "us/e1", "eu/e3"], entries.Select(e => $"{e.Event.SourceRegion}/{e.Event.EventId}"));
        Assert.Equal("""{"id":"e1","action":"push"}""", entries[0].Event.Payload);
    }

    [Fact]
    public async Task ReadPendingAsync_AfterSequenceWithLimit_ReturnsLaterEventsOfThatRepositoryOnly()
    {
        await Db.Inbox.AppendAsync([Event("a1", "team/a"), Event("b1", "team/b"), Event("a2", "team/a"), Event("a3", "team/a"), Event("a4", "team/a")]);
        IReadOnlyList<InboxEntry> all = await Db.Inbox.ReadPendingAsync("team/a", 0, 100);

        IReadOnlyList<InboxEntry> page = await Db.Inbox.ReadPendingAsync("team/a", all[0].Sequence, 2);

        Assert.Equal(["a1", "a2", "a3", "a4"], all.Select(e => e.Event.EventId));
        Assert.Equal(["a2", "a3"], page.Select(e => e.Event.EventId));
        Assert.Empty(await Db.Inbox.ReadPendingAsync("team/a", all[^1].Sequence, 10));
        Assert.Empty(await Db.Inbox.ReadPendingAsync("team/none", 0, 10));
    }

    [Fact]
    public async Task MarkAppliedAsync_UpToSequence_ClearsPendingOfThatRepositoryOnly()
    {
        await Db.Inbox.AppendAsync([Event("b1", "team/b"), Event("a1", "team/a"), Event("a2", "team/a"), Event("a3", "team/a")]);
        IReadOnlyList<InboxEntry> a = await Db.Inbox.ReadPendingAsync("team/a", 0, 10);
        Assert.Equal(4, await Db.Inbox.CountPendingAsync());
        Assert.Equal(["team/b", "team/a"], await Db.Inbox.ListRepositoriesWithPendingAsync());

        await Db.Inbox.MarkAppliedAsync("team/a", a[1].Sequence);

        Assert.Equal(2, await Db.Inbox.CountPendingAsync());
        Assert.Equal(["a3"], (await Db.Inbox.ReadPendingAsync("team/a", 0, 10)).Select(e => e.Event.EventId));
        bool[] applied = await Task.WhenAll(a.Select(async e => (await Db.Inbox.FindAsync(e.Event.EventId))!.Applied));
        Assert.Equal([true, true, false], applied);
        Assert.Equal(["b1"], (await Db.Inbox.ReadPendingAsync("team/b", 0, 10)).Select(e => e.Event.EventId));

        await Db.Inbox.MarkAppliedAsync("team/a", a[2].Sequence);
        Assert.Equal(["team/b"], await Db.Inbox.ListRepositoriesWithPendingAsync());
        Assert.Equal(1, await Db.Inbox.CountPendingAsync());
    }

    [Fact]
    public async Task FindAsync_KnownAndUnknownIds_ReturnsEntryOrNull()
    {
        await Db.Inbox.AppendAsync([Event("e1", "team/a"), Event("e2", "team/b", second: 5)]);
        long sequence = (await Db.Inbox.ReadPendingAsync("team/b", 0, 1))[0].Sequence;
        await Db.Inbox.MarkAppliedAsync("team/b", sequence);

        InboxEntry? found = await Db.Inbox.FindAsync("e2");

        Assert.Equal(new InboxEntry(sequence, Event("e2", "team/b", second: 5), Applied: true), found);
        Assert.Null(await Db.Inbox.FindAsync("nope"));
    }

    [Fact]
    public async Task AppendAsync_CancelledBeforeItIsWritten_WritesNothing()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Db.Inbox.AppendAsync([Event("e1")], cancelled.Token));

        Assert.Null(await Db.Inbox.FindAsync("e1"));
        Assert.Equal(1, await Db.Inbox.AppendAsync([Event("e1")]));
    }

    [Fact]
    public async Task AppendAsync_EventWithoutRepository_ThrowsAndWritesNothing()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Db.Inbox.AppendAsync([Event("e1"), Event("e2", repository: "")]));

        Assert.Equal(0, await Db.Inbox.CountPendingAsync());
    }

    [Fact]
    public async Task AppendAsync_50ConcurrentAppenders_AllCommittedWithUniqueSequences()
    {
        const int Tasks = 50;
        const int PerTask = 20;
        var acknowledged = new ConcurrentBag<string>();

        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            for (int i = 0; i < PerTask; i++)
            {
                string id = $"t{t}-{i}";
                Assert.Equal(1, await Db.Inbox.AppendAsync([Event(id, repository: $"team/r{t % 5}")]));
                acknowledged.Add(id);
            }
        })));

        List<InboxEntry> stored = [];
        for (int r = 0; r < 5; r++)
        {
            stored.AddRange(await Db.Inbox.ReadPendingAsync($"team/r{r}", 0, Tasks * PerTask));
        }

        Assert.Equal(acknowledged.Order(), stored.Select(e => e.Event.EventId).Order());
        Assert.Equal(Tasks * PerTask, stored.Select(e => e.Sequence).Distinct().Count());
        Assert.Equal(Tasks * PerTask, await Db.Inbox.CountPendingAsync());

        // Each appender's own events keep the order it appended them in.
        Assert.All(stored.GroupBy(e => e.Event.EventId.Split('-')[0]), g =>
            Assert.Equal(g.OrderBy(e => int.Parse(e.Event.EventId.Split('-')[1])).Select(e => e.Sequence), g.Select(e => e.Sequence).Order()));
    }

    [Fact]
    public async Task AppendAsync_TwoNodesAppendingWhileReaderTails_ReaderSkipsNoEvent()
    {
        // Sequence order must equal commit order: a reader that advances its cursor past what it has seen must
        // still see every event, however the two writers' transactions interleave.
        GeoSyncDatabase other = await OpenAsync();
        using var done = new CancellationTokenSource();
        var seen = new List<string>();
        Task tail = Task.Run(async () =>
        {
            long cursor = 0;
            while (true)
            {
                bool finished = done.IsCancellationRequested;
                foreach (InboxEntry entry in await Db.Inbox.ReadPendingAsync("team/app", cursor, 1000))
                {
                    seen.Add(entry.Event.EventId);
                    cursor = entry.Sequence;
                }

                if (finished)
                {
                    return;
                }
            }
        });

        await Task.WhenAll(Enumerable.Range(0, 16).Select(t => Task.Run(async () =>
        {
            GeoSyncDatabase node = t % 2 == 0 ? Db : other;
            for (int i = 0; i < 25; i++)
            {
                await node.Inbox.AppendAsync([Event($"n{t}-{i}")]);
            }
        })));
        await done.CancelAsync();
        await tail;

        Assert.Equal(16 * 25, seen.Count);
        Assert.Equal(16 * 25, seen.Distinct().Count());
    }

    [Fact]
    public async Task MarkAppliedAsync_BelowWhatIsApplied_ChangesNothing()
    {
        await Db.Inbox.AppendAsync([Event("a1", "team/a"), Event("a2", "team/a"), Event("a3", "team/a")]);
        IReadOnlyList<InboxEntry> a = await Db.Inbox.ReadPendingAsync("team/a", 0, 10);
        await Db.Inbox.MarkAppliedAsync("team/a", a[1].Sequence);

        // A checkpoint written again after a restart may mark less than is already marked.
        await Db.Inbox.MarkAppliedAsync("team/a", a[0].Sequence);
        await Db.Inbox.MarkAppliedAsync("team/unknown", a[2].Sequence);

        Assert.Equal(["a3"], (await Db.Inbox.ReadPendingAsync("team/a", 0, 10)).Select(e => e.Event.EventId));
        Assert.True((await Db.Inbox.FindAsync("a2"))!.Applied);
        Assert.Equal(["team/a"], await Db.Inbox.ListRepositoriesWithPendingAsync());
        Assert.Equal(1, await Db.Inbox.CountPendingAsync());
    }

    [Fact]
    public async Task AppendAsync_AfterEverythingWasApplied_RepositoryPendingAgain()
    {
        await Db.Inbox.AppendAsync([Event("a1", "team/a")]);
        await Db.Inbox.MarkAppliedAsync("team/a", (await Db.Inbox.ReadPendingAsync("team/a", 0, 10))[0].Sequence);
        Assert.Empty(await Db.Inbox.ListRepositoriesWithPendingAsync());

        await Db.Inbox.AppendAsync([Event("a2", "team/a")]);

        Assert.Equal(["a2"], (await Db.Inbox.ReadPendingAsync("team/a", 0, 10)).Select(e => e.Event.EventId));
        Assert.Equal(["team/a"], await Db.Inbox.ListRepositoriesWithPendingAsync());
        Assert.Equal(1, await Db.Inbox.CountPendingAsync());
    }

    /// <summary>
    /// Writes, into a new database, the inbox of an earlier GeoSync version (a flag on each row says whether it is
    /// applied, and there is no cursor table), and returns options naming that database.
    /// </summary>
    protected abstract Task<PersistenceOptions> CreateEarlierVersionInboxAsync(IReadOnlyList<(InboxEvent Event, bool Applied)> rows);

    [Fact]
    public async Task OpenAsync_EarlierVersionsAppliedFlags_BecomePendingEvents()
    {
        PersistenceOptions earlier = await CreateEarlierVersionInboxAsync(
        [
            (Event("a1", "team/a"), true),
            (Event("b1", "team/b"), false),
            (Event("a2", "team/a"), true),
            (Event("a3", "team/a"), false),
            (Event("c1", "team/c"), true),
        ]);

        GeoSyncDatabase database = await GeoSyncDatabase.OpenAsync(earlier);
        _opened.Add(database);

        Assert.Equal(["a3"], (await database.Inbox.ReadPendingAsync("team/a", 0, 10)).Select(e => e.Event.EventId));
        Assert.Equal(["b1"], (await database.Inbox.ReadPendingAsync("team/b", 0, 10)).Select(e => e.Event.EventId));
        Assert.Empty(await database.Inbox.ReadPendingAsync("team/c", 0, 10));
        Assert.Equal(["team/b", "team/a"], await database.Inbox.ListRepositoriesWithPendingAsync());
        Assert.Equal(2, await database.Inbox.CountPendingAsync());
        Assert.True((await database.Inbox.FindAsync("a2"))!.Applied);
        Assert.False((await database.Inbox.FindAsync("a3"))!.Applied);

        // The moved database takes new events and marks as a new one does; opening it again changes nothing.
        Assert.Equal(1, await database.Inbox.AppendAsync([Event("c2", "team/c")]));
        await database.Inbox.MarkAppliedAsync("team/a", (await database.Inbox.FindAsync("a3"))!.Sequence);
        await database.DisposeAsync();
        _opened.Remove(database);
        GeoSyncDatabase reopened = await GeoSyncDatabase.OpenAsync(earlier);
        _opened.Add(reopened);
        Assert.Equal(["team/b", "team/c"], await reopened.Inbox.ListRepositoriesWithPendingAsync());
        Assert.Equal(0, await reopened.Inbox.AppendAsync([Event("a1", "team/a")]));
    }

    [Fact]
    public async Task DeleteAppliedAsync_OldAppliedEvents_GoOldestFirst_PendingAndRecentStay()
    {
        await Db.Inbox.AppendAsync([Event("a1", "team/a", second: 0), Event("a2", "team/a", second: 1), Event("b1", "team/b", second: 2), Event("a3", "team/a", second: 10)]);
        IReadOnlyList<InboxEntry> a = await Db.Inbox.ReadPendingAsync("team/a", 0, 10);
        await Db.Inbox.MarkAppliedAsync("team/a", a[2].Sequence);

        Assert.Equal(1, await Db.Inbox.DeleteAppliedAsync(T0.AddSeconds(5), limit: 1));
        Assert.Null(await Db.Inbox.FindAsync("a1"));
        Assert.NotNull(await Db.Inbox.FindAsync("a2"));
        Assert.Equal(1, await Db.Inbox.DeleteAppliedAsync(T0.AddSeconds(5), limit: 10));
        Assert.Equal(0, await Db.Inbox.DeleteAppliedAsync(T0.AddSeconds(5), limit: 10));

        // b1 is as old but pending: it stays, however old, until its repository has applied it.
        Assert.Equal(["b1"], (await Db.Inbox.ReadPendingAsync("team/b", 0, 10)).Select(e => e.Event.EventId));
        Assert.Equal(1, await Db.Inbox.DeleteAppliedAsync(T0.AddDays(30), limit: 10)); // a3, once it is old enough
        Assert.NotNull(await Db.Inbox.FindAsync("b1"));
        Assert.Null(await Db.Inbox.FindAsync("a3"));
        Assert.Equal(1, await Db.Inbox.CountPendingAsync());
    }

    [Fact]
    public async Task DeleteAppliedAsync_EverythingDeleted_SequencesAreNotReused()
    {
        await Db.Inbox.AppendAsync([Event("a1", "team/a"), Event("a2", "team/a")]);
        long last = (await Db.Inbox.ReadPendingAsync("team/a", 0, 10))[^1].Sequence;
        await Db.Inbox.MarkAppliedAsync("team/a", last);
        Assert.Equal(2, await Db.Inbox.DeleteAppliedAsync(T0.AddDays(1), limit: 10));

        await Db.Inbox.AppendAsync([Event("a3", "team/a")]);

        // A grain whose cursor is at the deleted last event still finds the new one.
        Assert.Equal(["a3"], (await Db.Inbox.ReadPendingAsync("team/a", last, 10)).Select(e => e.Event.EventId));
    }
}
