using GeoSync.Testing;
using Orleans;
using Orleans.Runtime;

namespace GeoSync.Persistence.Tests;

/// <summary>The embedded silo's Orleans reminder table on SQLite: what the reminder service asks of it.</summary>
public sealed class SqliteReminderTableTests : IAsyncLifetime
{
    private static readonly DateTime T0 = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
    private readonly TestDirectory _directory = new("reminders");
    private GeoSyncDatabase _db = null!;

    private IReminderTable Table => _db.Reminders!;

    public async Task InitializeAsync() =>
        _db = await GeoSyncDatabase.OpenAsync(new PersistenceOptions { Provider = PersistenceOptions.Sqlite, ConnectionString = $"Data Source={_directory.Combine("geosync.db")}" });

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task UpsertRow_ThenReadRow_ReturnsTheEntryWithItsNewETag()
    {
        GrainId grain = Repository("team/app");
        string? first = await Table.UpsertRow(Entry(grain, "replicate", TimeSpan.FromSeconds(5)));
        string? second = await Table.UpsertRow(Entry(grain, "replicate", TimeSpan.FromSeconds(7)));

        ReminderEntry? read = await Table.ReadRow(grain, "replicate");

        Assert.NotNull(first);
        Assert.NotEqual(first, second);
        Assert.NotNull(read);
        Assert.Equal(grain, read.GrainId);
        Assert.Equal(T0, read.StartAt);
        Assert.Equal(DateTimeKind.Utc, read.StartAt.Kind);
        Assert.Equal(TimeSpan.FromSeconds(7), read.Period);
        Assert.Equal(second, read.ETag);
        Assert.Null(await Table.ReadRow(grain, "never"));
    }

    [Fact]
    public async Task RemoveRow_StaleETag_KeepsTheRowAndCurrentETagRemovesIt()
    {
        GrainId grain = Repository("team/app");
        string? stale = await Table.UpsertRow(Entry(grain, "replicate", TimeSpan.FromSeconds(5)));
        string? current = await Table.UpsertRow(Entry(grain, "replicate", TimeSpan.FromSeconds(5)));

        Assert.False(await Table.RemoveRow(grain, "replicate", stale!));
        Assert.NotNull(await Table.ReadRow(grain, "replicate"));
        Assert.True(await Table.RemoveRow(grain, "replicate", current!));
        Assert.Empty((await Table.ReadRows(grain)).Reminders);
    }

    [Fact]
    public async Task ReadRows_HashRange_ReturnsRowsInTheRangeAndAWrappedRangeReturnsTheRest()
    {
        GrainId[] grains = [.. Enumerable.Range(0, 40).Select(i => Repository($"team/app{i}"))];
        foreach (GrainId grain in grains)
        {
            await Table.UpsertRow(Entry(grain, "replicate", TimeSpan.FromSeconds(5)));
        }

        uint[] hashes = [.. grains.Select(g => g.GetUniformHashCode()).Order()];
        uint begin = hashes[9], end = hashes[29];

        HashSet<GrainId> inside = [.. (await Table.ReadRows(begin, end)).Reminders.Select(r => r.GrainId)];
        HashSet<GrainId> outside = [.. (await Table.ReadRows(end, begin)).Reminders.Select(r => r.GrainId)];
        HashSet<GrainId> everything = [.. (await Table.ReadRows(0, 0)).Reminders.Select(r => r.GrainId)];

        // (begin, end]: the 10th hash is out, the 30th in.
        Assert.Equal(grains.Where(g => g.GetUniformHashCode() > begin && g.GetUniformHashCode() <= end).ToHashSet(), inside);
        Assert.Equal(20, inside.Count);
        Assert.Equal(20, outside.Count);
        Assert.Empty(inside.Intersect(outside));
        Assert.Equal(grains.ToHashSet(), everything);
    }

    [Fact]
    public async Task Reminders_SurviveReopeningTheDatabase()
    {
        GrainId grain = Repository("team/app");
        await Table.UpsertRow(Entry(grain, "replicate", TimeSpan.FromSeconds(5)));

        await _db.DisposeAsync();
        _db = await GeoSyncDatabase.OpenAsync(new PersistenceOptions { Provider = PersistenceOptions.Sqlite, ConnectionString = $"Data Source={_directory.Combine("geosync.db")}" });

        Assert.Equal([grain], (await Table.ReadRows(0, 0)).Reminders.Select(r => r.GrainId));
    }

    private static GrainId Repository(string name) => GrainId.Create("repository", name);

    private static ReminderEntry Entry(GrainId grain, string name, TimeSpan period) =>
        new() { GrainId = grain, ReminderName = name, StartAt = T0, Period = period };
}
