namespace GeoSync.Persistence.Tests;

public abstract partial class PersistenceContractTests
{
    private static TransferCheckpoint Checkpoint(string region, string digest, long done = 0, string state = "Copying", string? error = null) =>
        new(region, digest, "eu", 1000, done, state, 1, error, T0.AddSeconds(done));

    [Fact]
    public async Task UpsertAsync_NewThenUpdatedCheckpoint_GetReturnsLatest()
    {
        await Db.TransferCheckpoints.UpsertAsync(Checkpoint("us", "sha256:aa", done: 0));
        Assert.Equal(Checkpoint("us", "sha256:aa", done: 0), await Db.TransferCheckpoints.GetAsync("us", "sha256:aa"));

        TransferCheckpoint failed = Checkpoint("us", "sha256:aa", done: 400, state: "Failed", error: "timeout") with { Attempts = 3, SourceRegion = "ap" };
        await Db.TransferCheckpoints.UpsertAsync(failed);

        Assert.Equal(failed, await Db.TransferCheckpoints.GetAsync("us", "sha256:aa"));
        Assert.Null(await Db.TransferCheckpoints.GetAsync("eu", "sha256:aa"));
    }

    [Fact]
    public async Task ListAsync_ByRegionOrAll_ReturnsCheckpointsByRegionAndDigest()
    {
        await Db.TransferCheckpoints.UpsertAsync(Checkpoint("us", "sha256:bb"));
        await Db.TransferCheckpoints.UpsertAsync(Checkpoint("ap", "sha256:aa"));
        await Db.TransferCheckpoints.UpsertAsync(Checkpoint("us", "sha256:aa"));

        Assert.Equal(["ap/sha256:aa", "us/sha256:aa", "us/sha256:bb"], (await Db.TransferCheckpoints.ListAsync()).Select(c => $"{c.Region}/{c.Digest}"));
        Assert.Equal(["sha256:aa", "sha256:bb"], (await Db.TransferCheckpoints.ListAsync("us")).Select(c => c.Digest));
        Assert.Empty(await Db.TransferCheckpoints.ListAsync("eu"));
    }

    [Fact]
    public async Task DeleteAsync_OneCheckpoint_RemovesOnlyIt()
    {
        await Db.TransferCheckpoints.UpsertAsync(Checkpoint("us", "sha256:aa"));
        await Db.TransferCheckpoints.UpsertAsync(Checkpoint("ap", "sha256:aa"));

        await Db.TransferCheckpoints.DeleteAsync("us", "sha256:aa");
        await Db.TransferCheckpoints.DeleteAsync("us", "sha256:never");

        Assert.Null(await Db.TransferCheckpoints.GetAsync("us", "sha256:aa"));
        Assert.Equal(["ap"], (await Db.TransferCheckpoints.ListAsync()).Select(c => c.Region));
    }
}
