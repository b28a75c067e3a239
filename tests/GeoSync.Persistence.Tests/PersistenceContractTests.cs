namespace GeoSync.Persistence.Tests;

/// <summary>
/// The persistence contract, run against every engine (a derived class per engine supplies the options). Each test
/// starts on an empty database created by the production schema script.
/// </summary>
public abstract partial class PersistenceContractTests : IAsyncLifetime
{
    private readonly List<GeoSyncDatabase> _opened = [];

    protected static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The database every test of this instance uses.</summary>
    protected GeoSyncDatabase Db { get; private set; } = null!;

    /// <summary>Options naming this test's (single) database.</summary>
    protected abstract PersistenceOptions Options { get; }

    /// <summary>Creates the empty database <see cref="Options"/> names, where the engine needs it.</summary>
    protected virtual Task CreateDatabaseAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await CreateDatabaseAsync();
        Db = await OpenAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (GeoSyncDatabase database in _opened)
        {
            await database.DisposeAsync();
        }
    }

    /// <summary>Another handle on the same database, as a second node or a restarted process has.</summary>
    protected async Task<GeoSyncDatabase> OpenAsync()
    {
        GeoSyncDatabase database = await GeoSyncDatabase.OpenAsync(Options);
        _opened.Add(database);
        return database;
    }

    protected static InboxEvent Event(string id, string repository = "team/app", string region = "eu", int second = 0) =>
        new(id, region, repository, $$"""{"id":"{{id}}","action":"push"}""", T0.AddSeconds(second));

    [Fact]
    public async Task OpenAsync_ExistingDatabase_RunsScriptAgainAndKeepsData()
    {
        var checkpoint = new TransferCheckpoint("us", "sha256:aa", "eu", 10, 0, "Copying", 1, null, T0);
        await Db.TransferCheckpoints.UpsertAsync(checkpoint);
        await Db.Inbox.AppendAsync([Event("e1")]);
        await Db.DisposeAsync();

        GeoSyncDatabase reopened = await OpenAsync();

        Assert.Equal(checkpoint, await reopened.TransferCheckpoints.GetAsync("us", "sha256:aa"));
        Assert.Equal("e1", Assert.Single(await reopened.Inbox.ReadPendingAsync("team/app", 0, 10)).Event.EventId);
        Assert.Equal(0, await reopened.Inbox.AppendAsync([Event("e1")]));
    }
}
