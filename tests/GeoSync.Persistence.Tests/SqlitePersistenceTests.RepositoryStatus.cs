using GeoSync.Testing;
using Microsoft.Data.Sqlite;

namespace GeoSync.Persistence.Tests;

/// <summary>The status rows on SQLite: written through the single writer's group commit, read page by page along the key.</summary>
public sealed partial class SqlitePersistenceTests
{
    [Fact]
    public async Task RepositoryStatus_ConcurrentPublishes_ShareTransactions()
    {
        const int Publishes = 50 * 20;
        using var batches = new CommitBatches(DbSystem);

        await Task.WhenAll(Enumerable.Range(0, 50).Select(t => Task.Run(async () =>
        {
            for (int i = 1; i <= 20; i++)
            {
                await Db.RepositoryStatus.PublishAsync(new RepositoryStatusRow($"team/r{t}", i, "{}", T0));
            }
        })));

        Assert.Equal(50, (await Db.RepositoryStatus.ListRepositoriesAsync()).Count);
        // A batch's size is recorded just after its callers are released: the last one may still be on its way.
        await Eventually.HoldsAsync(() => batches.Writes >= Publishes, TimeSpan.FromSeconds(10), $"{Publishes} writes recorded");
        Assert.True(batches.Count < Publishes / 2, $"{Publishes} publishes took {batches.Count} transactions: they do not go through the group commit");
    }

    [Fact]
    public async Task RepositoryStatus_PagedRead_WalksTheKeyWithoutSorting()
    {
        await Db.RepositoryStatus.PublishAsync(new RepositoryStatusRow("team/a", 1, "{}", T0));
        using SqliteConnection connection = Connect();

        string plan = string.Join(" | ", Query(
            connection,
            "EXPLAIN QUERY PLAN SELECT repository, last_sequence, document, published_at FROM repository_status WHERE repository > 'team/a' ORDER BY repository LIMIT 500",
            column: 3));

        Assert.Contains("SEARCH repository_status USING INDEX sqlite_autoindex_repository_status_1 (repository>?)", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepositoryStatus_AttentionPage_WalksTheSmallPartialIndex()
    {
        // A few thousand settled rows and a few that need attention: the page must not read the table.
        await Task.WhenAll(Enumerable.Range(0, 3000).Select(i => Db.RepositoryStatus.PublishAsync(
            new RepositoryStatusRow($"team/r{i:D4}", 1, "{}", T0) { States = RepositoryStates.Synced })));
        await Db.RepositoryStatus.PublishAsync(new RepositoryStatusRow("team/r9999", 1, "{}", T0) { States = RepositoryStates.Failed, Unfinished = true });
        using SqliteConnection connection = Connect();
        Query(connection, "ANALYZE");

        string plan = string.Join(" | ", Query(
            connection,
            "EXPLAIN QUERY PLAN SELECT repository FROM repository_status WHERE repository > 'team/a' AND unfinished = 1 AND (states & 8) <> 0 ORDER BY repository LIMIT 100",
            column: 3));

        Assert.Contains("USING COVERING INDEX repository_status_attention", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
        Assert.Equal(["team/r9999"], await Db.RepositoryStatus.ListPageAsync(new RepositoryStatusPage("team/a", "team/", RepositoryStates.Failed, 100)));
    }

    [Fact]
    public async Task RepositoryStatus_AbandonedPage_WalksItsSmallPartialIndex()
    {
        await Task.WhenAll(Enumerable.Range(0, 3000).Select(i => Db.RepositoryStatus.PublishAsync(
            new RepositoryStatusRow($"team/r{i:D4}", 1, "{}", T0) { States = RepositoryStates.Synced })));
        await Db.RepositoryStatus.PublishAsync(new RepositoryStatusRow("team/r9999", 1, "{}", T0) { States = RepositoryStates.Synced | RepositoryStates.Abandoned });
        using SqliteConnection connection = Connect();
        Query(connection, "ANALYZE");

        string plan = string.Join(" | ", Query(
            connection,
            "EXPLAIN QUERY PLAN SELECT repository FROM repository_status WHERE repository > 'team/a' AND (states & 32) <> 0 ORDER BY repository LIMIT 100",
            column: 3));

        Assert.Contains("USING COVERING INDEX repository_status_abandoned", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
        Assert.Equal(["team/r9999"], await Db.RepositoryStatus.ListPageAsync(new RepositoryStatusPage("team/a", "team/", RepositoryStates.Abandoned, 100)));
    }
}
