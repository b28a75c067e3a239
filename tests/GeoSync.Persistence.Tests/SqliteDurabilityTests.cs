using System.Collections.Concurrent;
using System.Diagnostics;
using GeoSync.Testing;
using Microsoft.Data.Sqlite;

namespace GeoSync.Persistence.Tests;

/// <summary>SQLite-only guarantees: WAL mode, and no acknowledged append lost when the process is killed.</summary>
public sealed class SqliteDurabilityTests : IDisposable
{
    private readonly TestDirectory _directory = new("sqlite-crash");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task AppendAsync_ProcessKilledWhileAppending_EveryAcknowledgedEventIsPresent()
    {
        string path = _directory.Combine("geosync.db");
        var acknowledged = new ConcurrentQueue<string>();
        var start = new ProcessStartInfo
        {
            FileName = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(CrashAppender).Assembly.Location);
        start.ArgumentList.Add("append-until-killed");
        start.ArgumentList.Add(path);

        using Process child = Process.Start(start)!;
        try
        {
            Task<string> errors = child.StandardError.ReadToEndAsync();
            Task reading = Task.Run(async () =>
            {
                while (await child.StandardOutput.ReadLineAsync() is { } line)
                {
                    if (line.StartsWith("ack ", StringComparison.Ordinal))
                    {
                        acknowledged.Enqueue(line[4..]);
                    }
                }
            });

            await Eventually.HoldsAsync(() => acknowledged.Count >= 500 || reading.IsCompleted, TimeSpan.FromSeconds(30), "the child acknowledged 500 appends");
            Assert.False(reading.IsCompleted, $"the appender stopped early: {(errors.IsCompleted ? await errors : "")}");
            child.Kill(); // SIGKILL: no dispose, no flush, no goodbye
            await child.WaitForExitAsync();
            await reading; // acknowledgements already written to the pipe still count
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill();
            }
        }

        await using GeoSyncDatabase db = await GeoSyncDatabase.OpenAsync(new PersistenceOptions { ConnectionString = $"Data Source={path}" });
        var missing = new List<string>();
        foreach (string id in acknowledged)
        {
            if (await db.Inbox.FindAsync(id) is null)
            {
                missing.Add(id);
            }
        }

        Assert.True(acknowledged.Count >= 500);
        Assert.Empty(missing);
    }

    [Fact]
    public async Task OpenAsync_NewDatabase_IsInWalModeWithFolderCreated()
    {
        string path = _directory.Combine("nested", "folder", "geosync.db");

        await using (await GeoSyncDatabase.OpenAsync(new PersistenceOptions { ConnectionString = $"Data Source={path}" }))
        {
        }

        using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        connection.Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
    }
}
