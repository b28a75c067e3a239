using GeoSync.Grains.Repositories;
using GeoSync.Host.Hosting;
using GeoSync.Persistence;
using GeoSync.Testing;

namespace GeoSync.Host.Tests.Hosting;

public sealed class RepositoryCatalogTests
{
    [Fact]
    public async Task Find_GrainPublishesAndAppliesBetweenTheReads_ReturnsThePublishedState()
    {
        using var directory = new TestDirectory("catalog");
        await using GeoSyncDatabase database = await GeoSyncDatabase.OpenAsync(new PersistenceOptions { ConnectionString = $"Data Source={directory.Combine("geosync.db")}" });
        await database.Inbox.AppendAsync([new InboxEvent("e1", "eu", "team/app", "{}", DateTimeOffset.UtcNow)]);
        long sequence = Assert.Single(await database.Inbox.ReadPendingAsync("team/app", 0, 10)).Sequence;
        // The grain publishes its status, then marks its events applied, right after the catalog found no status.
        var statuses = new PublishingAfterFirstMiss(database.RepositoryStatus, async () =>
        {
            await database.RepositoryStatus.PublishAsync(RepositoryStatusDocument.ToRow("team/app", new RepositoryState(), DateTimeOffset.UtcNow));
            await database.Inbox.MarkAppliedAsync("team/app", sequence);
        });
        var catalog = new RepositoryCatalog(statuses, database.Inbox, grains: null!, policy: null!, regions: null!);

        Assert.NotNull(await catalog.FindAsync("team/app"));
        Assert.Null(await catalog.FindAsync("team/never-pushed"));
    }

    private sealed class PublishingAfterFirstMiss(IRepositoryStatusStore inner, Func<Task> publish) : IRepositoryStatusStore
    {
        private bool _missed;

        public async Task<RepositoryStatusRow?> FindAsync(string repository, CancellationToken cancellationToken = default)
        {
            RepositoryStatusRow? row = await inner.FindAsync(repository, cancellationToken);
            if (row is null && !_missed && repository == "team/app")
            {
                _missed = true;
                await publish();
            }

            return row;
        }

        public Task PublishAsync(RepositoryStatusRow row, CancellationToken cancellationToken = default) => inner.PublishAsync(row, cancellationToken);

        public Task<IReadOnlyList<string>> ListRepositoriesAsync(CancellationToken cancellationToken = default) => inner.ListRepositoriesAsync(cancellationToken);

        public Task<IReadOnlyList<string>> ListUnfinishedAsync(CancellationToken cancellationToken = default) => inner.ListUnfinishedAsync(cancellationToken);

        public Task<IReadOnlyList<string>> ListPageAsync(RepositoryStatusPage page, CancellationToken cancellationToken = default) => inner.ListPageAsync(page, cancellationToken);

        public IAsyncEnumerable<RepositoryStatusRow> ReadAllAsync(CancellationToken cancellationToken = default) => inner.ReadAllAsync(cancellationToken);
    }
}
