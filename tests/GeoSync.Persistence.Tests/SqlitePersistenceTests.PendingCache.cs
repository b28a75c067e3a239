using Microsoft.Data.Sqlite;

namespace GeoSync.Persistence.Tests;

/// <summary>The SQLite inbox answers a repository's wake-up from the events this process appended, and from the file where it cannot be sure.</summary>
public sealed partial class SqlitePersistenceTests
{
    [Fact]
    public async Task ReadPendingAsync_EventsThisProcessAppended_ComeFromMemory_EarlierOnesFromTheFile()
    {
        await Db.Inbox.AppendAsync([Event("old", "team/a")]);
        await Db.DisposeAsync();
        GeoSyncDatabase restarted = await OpenAsync();
        await restarted.Inbox.AppendAsync([Event("new", "team/a")]);
        long old = (await restarted.Inbox.FindAsync("old"))!.Sequence;

        // Rewritten behind the engine's back, so that the answer shows where it came from.
        using (SqliteConnection connection = Connect())
        {
            Query(connection, "UPDATE event_inbox SET payload = '{\"from\":\"file\"}'");
        }

        IReadOnlyList<InboxEntry> fromBeforeTheStart = await restarted.Inbox.ReadPendingAsync("team/a", 0, 10);
        IReadOnlyList<InboxEntry> sinceTheStart = await restarted.Inbox.ReadPendingAsync("team/a", old, 10);

        Assert.Equal(["old", "new"], fromBeforeTheStart.Select(e => e.Event.EventId));
        Assert.All(fromBeforeTheStart, e => Assert.Equal("{\"from\":\"file\"}", e.Event.Payload));
        Assert.Equal("new", Assert.Single(sinceTheStart).Event.EventId);
        Assert.Equal(Event("new", "team/a").Payload, sinceTheStart[0].Event.Payload);
    }

    [Fact]
    public async Task ReadPendingAsync_AnotherProcessAppendedInBetween_ItsEventsAreRead()
    {
        GeoSyncDatabase other = await OpenAsync();
        await Db.Inbox.AppendAsync([Event("a1", "team/a")]);
        await other.Inbox.AppendAsync([Event("a2", "team/a")]);
        await Db.Inbox.AppendAsync([Event("a3", "team/a")]);
        long first = (await Db.Inbox.FindAsync("a1"))!.Sequence;

        IReadOnlyList<InboxEntry> pending = await Db.Inbox.ReadPendingAsync("team/a", first, 10);

        Assert.Equal(["a2", "a3"], pending.Select(e => e.Event.EventId));
    }

    [Fact]
    public async Task ReadPendingAsync_BacklogLongerThanMemoryKeeps_EveryEventIsRead()
    {
        await Db.Inbox.AppendAsync([Event("first", "team/a")]);
        long first = (await Db.Inbox.FindAsync("first"))!.Sequence;
        await Db.Inbox.AppendAsync([.. Enumerable.Range(0, 5000).Select(i => Event($"b{i}", "team/a"))]);
        await Db.Inbox.AppendAsync([Event("last", "team/a")]);

        IReadOnlyList<InboxEntry> pending = await Db.Inbox.ReadPendingAsync("team/a", first, 10_000);

        Assert.Equal(5001, pending.Count);
        Assert.Equal("b0", pending[0].Event.EventId);
        Assert.Equal("last", pending[^1].Event.EventId);
    }

    [Fact]
    public async Task ReadPendingAsync_AfterMarkApplied_ReturnsOnlyLaterEvents()
    {
        await Db.Inbox.AppendAsync([Event("a1", "team/a"), Event("a2", "team/a"), Event("b1", "team/b")]);
        long a1 = (await Db.Inbox.FindAsync("a1"))!.Sequence;

        await Db.Inbox.MarkAppliedAsync("team/a", a1 + 1);
        await Db.Inbox.AppendAsync([Event("a3", "team/a")]);

        Assert.Equal(["a3"], (await Db.Inbox.ReadPendingAsync("team/a", a1 - 1, 10)).Select(e => e.Event.EventId));
        Assert.Equal(["b1"], (await Db.Inbox.ReadPendingAsync("team/b", a1 - 1, 10)).Select(e => e.Event.EventId));
    }
}
