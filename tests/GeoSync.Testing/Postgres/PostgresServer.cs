using System.Diagnostics;
using Npgsql;
using Xunit;

namespace GeoSync.Testing.Postgres;

/// <summary>
/// A real PostgreSQL server for tests: a fresh cluster (<c>initdb</c>) in a temporary folder, listening on
/// 127.0.0.1 on a free port, stopped (<c>pg_ctl -m immediate</c>) and deleted on dispose. Share one per test
/// collection (<c>ICollectionFixture</c>) and give each test class its own database with
/// <see cref="SharedDatabaseAsync"/> (emptied between tests with <see cref="TruncateAllAsync"/>), or any caller a
/// fresh one with <see cref="CreateDatabaseAsync"/>. <c>initdb</c> and the server refuse to run as root, so as root the folder
/// is handed to the <c>postgres</c> user and the binaries run through <c>su postgres</c>.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string SystemUser = "postgres";
    private readonly string _root;
    private readonly string _data;
    private readonly Dictionary<string, Task<string>> _shared = [];
    private string _bin = "";
    private bool _started;

    public PostgresServer()
    {
        _root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"geosync-pg-{Guid.NewGuid():N}");
        _data = System.IO.Path.Combine(_root, "data");
    }

    /// <summary>
    /// False (default, for tests): fsync and synchronous commit off, since no test here checks PostgreSQL's own
    /// durability. True keeps PostgreSQL's durable defaults, for benchmarks. Set before <see cref="InitializeAsync"/>.
    /// </summary>
    public bool Durable { get; init; }

    public int Port { get; private set; }

    /// <summary>Connection string for a database of this server (user <c>postgres</c>, trust authentication).</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = SystemUser, Database = database, Timeout = 15 }.ConnectionString;

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "geosync", CancellationToken cancellationToken = default)
    {
        string name = $"{new string(prefix.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(30).ToArray())}_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return ConnectionString(name);
    }

    /// <summary>
    /// The database named <paramref name="key"/> (e.g. the test class), created on first use and shared by every
    /// later caller: creating a database costs about a second, emptying one with <see cref="TruncateAllAsync"/> far less.
    /// </summary>
    public Task<string> SharedDatabaseAsync(string key)
    {
        lock (_shared)
        {
            if (!_shared.TryGetValue(key, out Task<string>? database))
            {
                database = CreateDatabaseAsync(key);
                _shared.Add(key, database);
            }

            return database;
        }
    }

    /// <summary>Empties every table of the database's <c>public</c> schema (and restarts identities), keeping the schema.</summary>
    public static async Task TruncateAllAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public'", connection))
        await using (NpgsqlDataReader reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(reader.GetString(0));
            }
        }

        if (tables.Count > 0)
        {
            await using var truncate = new NpgsqlCommand($"TRUNCATE {string.Join(", ", tables)} RESTART IDENTITY", connection);
            await truncate.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task InitializeAsync()
    {
        _bin = FindBinDirectory();
        Directory.CreateDirectory(_root);
        bool root = Environment.UserName == "root";
        if (root)
        {
            await RunAsync("chown", [$"{SystemUser}:{SystemUser}", _root], asPostgres: false);
        }

        await RunAsync(System.IO.Path.Combine(_bin, "initdb"), ["-D", _data, "-U", SystemUser, "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C"], root);

        // A port can be taken between choosing and binding it: try a few.
        string settings = Durable ? "" : " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        string log = System.IO.Path.Combine(_root, "server.log");
        for (int attempt = 1; ; attempt++)
        {
            Port = FreePort.Next();
            string options = $"-c listen_addresses=127.0.0.1 -p {Port} -c unix_socket_directories={_root}{settings}";
            try
            {
                await RunAsync(System.IO.Path.Combine(_bin, "pg_ctl"), ["-D", _data, "-l", log, "-w", "-t", "30", "-o", options, "start"], root);
                _started = true;
                return;
            }
            catch (InvalidOperationException e) when (attempt < 3)
            {
                _ = e; // retried on another port
            }
            catch (InvalidOperationException e)
            {
                string serverLog = File.Exists(log) ? await File.ReadAllTextAsync(log) : "(no server log)";
                throw new InvalidOperationException($"PostgreSQL ({_bin}/pg_ctl) did not start: {e.Message}\nserver log:\n{serverLog}", e);
            }
        }
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_started)
        {
            await RunAsync(System.IO.Path.Combine(_bin, "pg_ctl"), ["-D", _data, "-m", "immediate", "-w", "stop"], Environment.UserName == "root");
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file may still be held for a moment; the temporary folder is the OS's to clean.
        }
    }

    private static string FindBinDirectory()
    {
        const string Base = "/usr/lib/postgresql";
        string? bin = Directory.Exists(Base)
            ? Directory.GetDirectories(Base)
                .Select(d => System.IO.Path.Combine(d, "bin"))
                .Where(d => File.Exists(System.IO.Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(d)), out int v) ? v : 0)
                .FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            $"PostgreSQL binaries not found: no {Base}/*/bin/initdb. Install them with tests/infra/install.sh (apt-get install -y postgresql).");
    }

    private static async Task RunAsync(string file, string[] arguments, bool asPostgres)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asPostgres)
        {
            // su runs a shell command line: quote every argument for sh.
            start.FileName = "su";
            start.ArgumentList.Add(SystemUser);
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(string.Join(' ', new[] { file }.Concat(arguments).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'")));
        }
        else
        {
            start.FileName = file;
            foreach (string argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} did not finish within 60 s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await stdout}{await stderr}");
        }
    }
}
