namespace GeoSync.Persistence.Tests;

/// <summary>GeoSync's own grain state store: the embedded silo's (on PostgreSQL, Orleans' ADO.NET provider keeps grain state).</summary>
public sealed partial class SqlitePersistenceTests
{
    [Fact]
    public async Task ReadAsync_NeverWritten_ReturnsNull()
    {
        Assert.Null(await Db.GrainState!.ReadAsync("repo", "nobody"));
    }

    [Fact]
    public async Task WriteAsync_FirstWriteThenRead_ReturnsPayloadAndNewETag()
    {
        string etag = await Db.GrainState!.WriteAsync("repo", "team/app", """{"tags":1}""", null);

        StoredGrainState? state = await Db.GrainState!.ReadAsync("repo", "team/app");

        Assert.False(string.IsNullOrEmpty(etag));
        Assert.Equal(new StoredGrainState("""{"tags":1}""", etag), state);
        Assert.Null(await Db.GrainState!.ReadAsync("blob", "team/app"));
    }

    [Fact]
    public async Task WriteAsync_CurrentETag_ReplacesStateWithFreshETag()
    {
        string first = await Db.GrainState!.WriteAsync("repo", "a", "v1", null);

        string second = await Db.GrainState!.WriteAsync("repo", "a", "v2", first);

        Assert.NotEqual(first, second);
        Assert.Equal(new StoredGrainState("v2", second), await Db.GrainState!.ReadAsync("repo", "a"));
    }

    [Fact]
    public async Task WriteAsync_StaleETag_ThrowsAndKeepsNewerState()
    {
        string first = await Db.GrainState!.WriteAsync("repo", "a", "v1", null);
        string second = await Db.GrainState!.WriteAsync("repo", "a", "v2", first);

        var e = await Assert.ThrowsAsync<InconsistentStateException>(() => Db.GrainState!.WriteAsync("repo", "a", "stale", first));

        Assert.Equal((first, second), (e.ExpectedETag, e.StoredETag));
        Assert.Equal(new StoredGrainState("v2", second), await Db.GrainState!.ReadAsync("repo", "a"));
    }

    [Fact]
    public async Task WriteAsync_NullExpectedOnExistingState_Throws()
    {
        string etag = await Db.GrainState!.WriteAsync("repo", "a", "v1", null);

        var e = await Assert.ThrowsAsync<InconsistentStateException>(() => Db.GrainState!.WriteAsync("repo", "a", "again", null));

        Assert.Equal(("repo", "a", (string?)null, (string?)etag), (e.GrainType, e.GrainKey, e.ExpectedETag, e.StoredETag));
        Assert.Equal("v1", (await Db.GrainState!.ReadAsync("repo", "a"))!.Payload);
    }

    [Fact]
    public async Task WriteAsync_ETagForMissingState_Throws()
    {
        var e = await Assert.ThrowsAsync<InconsistentStateException>(() => Db.GrainState!.WriteAsync("repo", "a", "v1", "made-up"));

        Assert.Null(e.StoredETag);
        Assert.Null(await Db.GrainState!.ReadAsync("repo", "a"));
    }

    [Fact]
    public async Task WriteAsync_ConcurrentWritersWithSameETag_ExactlyOneWins()
    {
        string etag = await Db.GrainState!.WriteAsync("repo", "a", "v0", null);

        Task<string>[] writes = Enumerable.Range(0, 20)
            .Select(i => Task.Run(() => Db.GrainState!.WriteAsync("repo", "a", $"v{i + 1}", etag)))
            .ToArray();
        await Task.WhenAll(writes.Select(w => w.ContinueWith(_ => { }, TaskScheduler.Default)));

        Task<string> winner = Assert.Single(writes, w => w.IsCompletedSuccessfully);
        Assert.All(writes.Where(w => w != winner), w => Assert.IsType<InconsistentStateException>(w.Exception!.InnerException));
        StoredGrainState stored = (await Db.GrainState!.ReadAsync("repo", "a"))!;
        Assert.Equal(await winner, stored.ETag);
        Assert.Equal($"v{Array.IndexOf(writes, winner) + 1}", stored.Payload);
    }

    [Fact]
    public async Task ClearAsync_CurrentETag_RemovesStateAndAllowsFirstWriteAgain()
    {
        string etag = await Db.GrainState!.WriteAsync("repo", "a", "v1", null);

        await Db.GrainState!.ClearAsync("repo", "a", etag);

        Assert.Null(await Db.GrainState!.ReadAsync("repo", "a"));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Db.GrainState!.WriteAsync("repo", "a", "late", etag));
        string again = await Db.GrainState!.WriteAsync("repo", "a", "v2", null);
        Assert.NotEqual(etag, again);
    }

    [Fact]
    public async Task ClearAsync_StaleOrMissingETag_ThrowsAndKeepsState()
    {
        string first = await Db.GrainState!.WriteAsync("repo", "a", "v1", null);
        await Db.GrainState!.WriteAsync("repo", "a", "v2", first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Db.GrainState!.ClearAsync("repo", "a", first));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Db.GrainState!.ClearAsync("repo", "a", null));
        await Db.GrainState!.ClearAsync("repo", "never-written", null);

        Assert.Equal("v2", (await Db.GrainState!.ReadAsync("repo", "a"))!.Payload);
    }
}
