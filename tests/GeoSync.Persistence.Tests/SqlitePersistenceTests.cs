using GeoSync.Testing;
using Microsoft.Data.Sqlite;

namespace GeoSync.Persistence.Tests;

/// <summary>The persistence contract on SQLite: a fresh database file per test, the production script.</summary>
public sealed partial class SqlitePersistenceTests : PersistenceContractTests, IDisposable
{
    private readonly TestDirectory _directory = new("sqlite");

    protected override string DbSystem => "sqlite";

    protected override PersistenceOptions Options => new()
    {
        Provider = PersistenceOptions.Sqlite,
        ConnectionString = $"Data Source={_directory.Combine("db", "geosync.db")}",
    };

    [Fact]
    public async Task Inbox_ReadsAndMarksOfARepository_UseThePendingTable()
    {
        await Db.Inbox.AppendAsync([Event("a1", "team/a")]);
        using SqliteConnection connection = Connect();

        // No index by repository over every event: each append would write one more page for it.
        Assert.Empty(Query(connection, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event_inbox' AND sql LIKE '%repository%'"));
        foreach ((string statement, string search) in new[]
        {
            ("SELECT e.payload FROM inbox_pending AS p JOIN event_inbox AS e ON e.sequence = p.sequence WHERE p.repository = 'team/a' AND p.sequence > 0 ORDER BY p.sequence LIMIT 10",
                "SEARCH p USING PRIMARY KEY (repository=? AND sequence>?)"),
            ("DELETE FROM inbox_pending WHERE repository = 'team/a' AND sequence <= 5", "SEARCH inbox_pending USING PRIMARY KEY (repository=? AND sequence<?)"),
        })
        {
            string plan = string.Join(" | ", Query(connection, "EXPLAIN QUERY PLAN " + statement, column: 3));
            Assert.Contains(search, plan, StringComparison.Ordinal);
            Assert.DoesNotContain("SCAN", plan, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MarkAppliedAsync_ManyEventsOfARepository_WritesAFewPagesNotEveryEventsPage()
    {
        // 200 events of two repositories, interleaved as concurrent pushes are, each about a kibibyte as real ones:
        // a's events are spread over some 50 table pages, which a flag on each row would have rewritten.
        string padding = new('x', 900);
        List<InboxEvent> events = [.. Enumerable.Range(0, 200).Select(i => Event($"e{i}", i % 2 == 0 ? "team/a" : "team/b") with { Payload = $$"""{"id":"e{{i}}","pad":"{{padding}}"}""" })];
        await Db.Inbox.AppendAsync(events);
        long last = (await Db.Inbox.FindAsync("e198"))!.Sequence;
        using SqliteConnection connection = Connect();
        Assert.Equal("0", Query(connection, "PRAGMA wal_checkpoint(TRUNCATE)")[0]);

        await Db.Inbox.MarkAppliedAsync("team/a", last);

        // The WAL holds what the mark's commit wrote: a 32-byte header, then a 24-byte header and a page per frame.
        long walBytes = new FileInfo(_directory.Combine("db", "geosync.db-wal")).Length;
        long frames = (walBytes - 32) / (24 + 4096);
        Assert.InRange(frames, 1, 3);
        Assert.Empty(Query(connection, "SELECT name FROM pragma_table_info('event_inbox') WHERE name = 'applied'"));
        Assert.Equal(["b"], (await Db.Inbox.ListRepositoriesWithPendingAsync()).Select(r => r["team/".Length..]));
    }

    [Fact]
    public async Task Commit_ReportsThePagesItWroteToTheLog()
    {
        long pages = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == PersistenceTelemetry.MeterName && instrument.Name == PersistenceTelemetry.PagesWrittenInstrument)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref pages, value));
        listener.Start();

        await Db.Inbox.AppendAsync([Event("a1", "team/a")]);

        // At least the table's page, its index pages and the pending table's (other tests' commits may add to the count).
        Assert.True(Interlocked.Read(ref pages) >= 3, $"{pages} pages reported");
    }

    [Fact]
    public async Task CommitThread_RaisedPriorityWhereTheSystemAllows()
    {
        await Db.Inbox.AppendAsync([Event("a1")]);
        string[] commitThreads = [.. Directory.GetDirectories("/proc/self/task").Where(t => ReadThreadFile(t, "comm")?.Trim() == "geosync-sqlite-")];
        Assert.NotEmpty(commitThreads);

        // CAP_SYS_NICE (bit 23 of the effective capabilities) lets a process raise a thread's priority.
        string capabilities = File.ReadLines("/proc/self/status").Single(l => l.StartsWith("CapEff:", StringComparison.Ordinal))["CapEff:".Length..].Trim();
        bool allowed = (Convert.ToUInt64(capabilities, 16) & (1UL << 23)) != 0;
        int expected = allowed ? -10 : 0;
        foreach (string thread in commitThreads)
        {
            // Field 19 of /proc/<pid>/task/<tid>/stat is the nice value (the name, field 2, has no spaces here).
            if (ReadThreadFile(thread, "stat") is { } stat)
            {
                Assert.Equal(expected, int.Parse(stat.Split(' ')[18], System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }

    /// <summary>A file of a thread of this process, or null when the thread ended meanwhile (other tests' databases close theirs).</summary>
    private static string? ReadThreadFile(string thread, string name)
    {
        try
        {
            return File.ReadAllText(Path.Combine(thread, name));
        }
        catch (Exception e) when (e is DirectoryNotFoundException or FileNotFoundException or IOException)
        {
            return null;
        }
    }

    protected override Task<PersistenceOptions> CreateEarlierVersionInboxAsync(IReadOnlyList<(InboxEvent Event, bool Applied)> rows) =>
        Task.FromResult(EarlierDatabase(
            "earlier",
            // The inbox as the schema script of the earlier version created it.
            """
            CREATE TABLE event_inbox (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT, source_region TEXT NOT NULL, event_id TEXT NOT NULL, repository TEXT NOT NULL,
                payload TEXT NOT NULL, received_at INTEGER NOT NULL, applied INTEGER NOT NULL DEFAULT 0, UNIQUE (event_id, source_region));
            CREATE INDEX ix_event_inbox_pending ON event_inbox (repository, sequence) WHERE applied = 0;
            """,
            command =>
            {
                foreach ((InboxEvent e, bool applied) in rows)
                {
                    command.CommandText = "INSERT INTO event_inbox (source_region, event_id, repository, payload, received_at, applied) VALUES ($region, $id, $repository, $payload, $at, $applied)";
                    command.Parameters.Clear();
                    command.Parameters.AddWithValue("$region", e.SourceRegion);
                    command.Parameters.AddWithValue("$id", e.EventId);
                    command.Parameters.AddWithValue("$repository", e.Repository);
                    command.Parameters.AddWithValue("$payload", e.Payload);
                    command.Parameters.AddWithValue("$at", e.ReceivedAt.ToUnixTimeMilliseconds());
                    command.Parameters.AddWithValue("$applied", applied ? 1 : 0);
                    command.ExecuteNonQuery();
                }
            }));

    protected override Task<PersistenceOptions> CreateEarlierVersionStatusAsync(IReadOnlyList<(string Repository, string Document, bool Unfinished)> rows) =>
        Task.FromResult(EarlierDatabase(
            "earlier-status",
            // The status table as the schema script of the earlier version created it.
            """
            CREATE TABLE repository_status (
                repository TEXT NOT NULL PRIMARY KEY, last_sequence INTEGER NOT NULL, document TEXT NOT NULL,
                published_at INTEGER NOT NULL, unfinished INTEGER NOT NULL DEFAULT 0);
            CREATE INDEX repository_status_unfinished ON repository_status (repository) WHERE unfinished = 1;
            """,
            command =>
            {
                foreach ((string repository, string document, bool unfinished) in rows)
                {
                    command.CommandText = "INSERT INTO repository_status VALUES ($repository, 1, $document, 0, $unfinished)";
                    command.Parameters.Clear();
                    command.Parameters.AddWithValue("$repository", repository);
                    command.Parameters.AddWithValue("$document", document);
                    command.Parameters.AddWithValue("$unfinished", unfinished);
                    command.ExecuteNonQuery();
                }
            }));

    /// <summary>A database as an earlier version left it in <paramref name="folder"/>: its schema (in WAL mode), then its rows.</summary>
    private PersistenceOptions EarlierDatabase(string folder, string schema, Action<SqliteCommand> insertRows)
    {
        string path = _directory.Combine(folder, "geosync.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "PRAGMA journal_mode = WAL;\n" + schema;
            command.ExecuteNonQuery();
            insertRows(command);
        }

        return new PersistenceOptions { Provider = PersistenceOptions.Sqlite, ConnectionString = $"Data Source={path}" };
    }

    public void Dispose() => _directory.Dispose();

    private SqliteConnection Connect()
    {
        var connection = new SqliteConnection($"Data Source={_directory.Combine("db", "geosync.db")};Pooling=false");
        connection.Open();
        return connection;
    }

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
