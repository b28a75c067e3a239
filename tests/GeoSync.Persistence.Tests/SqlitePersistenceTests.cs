using GeoSync.Testing;
using Microsoft.Data.Sqlite;

namespace GeoSync.Persistence.Tests;

/// <summary>The persistence contract on SQLite: a fresh database file per test, the production script.</summary>
public sealed class SqlitePersistenceTests : PersistenceContractTests, IDisposable
{
    private readonly TestDirectory _directory = new("sqlite");

    protected override string DbSystem => "sqlite";

    protected override PersistenceOptions Options => new()
    {
        Provider = PersistenceOptions.Sqlite,
        ConnectionString = $"Data Source={_directory.Combine("db", "geosync.db")}",
    };

    [Fact]
    public async Task Inbox_ReadsAndMarksOfARepository_UseThePendingIndexOnly()
    {
        await Db.Inbox.AppendAsync([Event("a1", "team/a")]);
        using var connection = new SqliteConnection($"Data Source={_directory.Combine("db", "geosync.db")}");
        connection.Open();

        // The pending index is the inbox's only index by repository: every append writes to it, so no second one.
        Assert.Equal(["ix_event_inbox_pending"], Query(connection, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event_inbox' AND sql LIKE '%repository%'"));
        foreach (string statement in new[]
        {
            "SELECT payload FROM event_inbox WHERE repository = 'team/a' AND sequence > 0 AND applied = 0 ORDER BY sequence LIMIT 10",
            "UPDATE event_inbox SET applied = 1 WHERE repository = 'team/a' AND sequence <= 5 AND applied = 0",
        })
        {
            string plan = string.Join(" | ", Query(connection, "EXPLAIN QUERY PLAN " + statement, column: 3));
            Assert.Contains("ix_event_inbox_pending", plan, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CommitThread_RaisedPriorityWhereTheSystemAllows()
    {
        await Db.Inbox.AppendAsync([Event("a1")]);
        string[] commitThreads = [.. Directory.GetDirectories("/proc/self/task").Where(t => File.ReadAllText(Path.Combine(t, "comm")).Trim() == "geosync-sqlite-")];
        Assert.NotEmpty(commitThreads);

        // CAP_SYS_NICE (bit 23 of the effective capabilities) lets a process raise a thread's priority.
        string capabilities = File.ReadLines("/proc/self/status").Single(l => l.StartsWith("CapEff:", StringComparison.Ordinal))["CapEff:".Length..].Trim();
        bool allowed = (Convert.ToUInt64(capabilities, 16) & (1UL << 23)) != 0;
        int expected = allowed ? -10 : 0;
        foreach (string thread in commitThreads)
        {
            // Field 19 of /proc/<pid>/task/<tid>/stat is the nice value (the name, field 2, has no spaces here).
            Assert.Equal(expected, int.Parse(File.ReadAllText(Path.Combine(thread, "stat")).Split(' ')[18], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public void Dispose() => _directory.Dispose();

    private static List<string> Query(SqliteConnection connection, string sql, int column = 0)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        using SqliteDataReader reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(column));
        }

        return rows;
    }
}
