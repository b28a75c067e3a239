using GeoSync.Testing;

namespace GeoSync.Persistence.Tests;

public abstract partial class PersistenceContractTests
{
    /// <summary>The <c>db.system</c> tag this engine's metrics carry.</summary>
    protected abstract string DbSystem { get; }

    [Fact]
    public async Task AppendAsync_ConcurrentSingleEventAppends_ShareTransactions()
    {
        const int Events = 50 * 20;
        using var batches = new CommitBatches(DbSystem);

        await Task.WhenAll(Enumerable.Range(0, 50).Select(t => Task.Run(async () =>
        {
            for (int i = 0; i < 20; i++)
            {
                await Db.Inbox.AppendAsync([Event($"g{t}-{i}")]);
            }
        })));

        Assert.Equal(Events, await Db.Inbox.CountPendingAsync());
        // A batch's size is recorded just after its callers are released: the last one may still be on its way.
        await Eventually.HoldsAsync(() => batches.Writes >= Events, TimeSpan.FromSeconds(10), $"{Events} writes recorded");
        Assert.True(batches.Count < Events / 2, $"{Events} appends took {batches.Count} transactions: group commit is not grouping");
    }

    [Fact]
    public async Task DisposeAsync_AppendsStillQueued_CommitsThemBeforeClosing()
    {
        GeoSyncDatabase db = await OpenAsync();
        Task<int>[] appends = Enumerable.Range(0, 200).Select(i => db.Inbox.AppendAsync([Event($"q{i}")])).ToArray();

        await db.DisposeAsync();

        Assert.All(appends, a => Assert.True(a.IsCompletedSuccessfully));
        Assert.Equal(200, await Db.Inbox.CountPendingAsync());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => db.Inbox.AppendAsync([Event("late")]));
    }
}
