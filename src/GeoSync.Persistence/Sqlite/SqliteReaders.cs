using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace GeoSync.Persistence.Sqlite;

/// <summary>
/// Connections for reads. In WAL mode readers never block the writer nor wait for it, and each read sees everything
/// committed before it started. Connections stay open with their prepared statements and serve one read at a time:
/// preparing the same statement on every read (each repository wake-up reads the inbox) was a visible share of the
/// intake's CPU.
/// </summary>
internal sealed class SqliteReaders(string connectionString)
{
    private readonly ConcurrentBag<Session> _idle = [];
    private volatile bool _closed;

    /// <summary>Runs a query and maps every row.</summary>
    public IReadOnlyList<T> Query<T>(string sql, Action<SqliteParameterCollection> bind, Func<SqliteDataReader, T> map) =>
        Run(sql, bind, command =>
        {
            using SqliteDataReader reader = command.ExecuteReader();
            var rows = new List<T>();
            while (reader.Read())
            {
                rows.Add(map(reader));
            }

            return rows;
        });

    /// <summary>Runs a query that returns one value.</summary>
    public T Scalar<T>(string sql, Action<SqliteParameterCollection> bind) =>
        Run(sql, bind, command => (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Closes every connection, so that nothing holds the file once the database is closed.</summary>
    public void ClearPool()
    {
        _closed = true;
        while (_idle.TryTake(out Session? session))
        {
            session.Dispose();
        }

        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
    }

    private TResult Run<TResult>(string sql, Action<SqliteParameterCollection> bind, Func<SqliteCommand, TResult> execute)
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        Session session = _idle.TryTake(out Session? idle) ? idle : new Session(connectionString);
        TResult result;
        try
        {
            SqliteCommand command = session.Command(sql);
            command.Parameters.Clear();
            bind(command.Parameters);
            result = execute(command);
        }
        catch
        {
            // A read that failed leaves nothing worth keeping.
            session.Dispose();
            throw;
        }

        _idle.Add(session);
        if (_closed && _idle.TryTake(out Session? late))
        {
            late.Dispose();
        }

        return result;
    }

    /// <summary>One open connection and the statements prepared on it.</summary>
    private sealed class Session : IDisposable
    {
        // Reads use a handful of fixed statements; more than this means texts built per call, which are not kept.
        private const int MaxStatements = 64;
        private readonly SqliteConnection _connection;
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        public Session(string connectionString)
        {
            _connection = new SqliteConnection(connectionString);
            _connection.Open();
        }

        public SqliteCommand Command(string sql)
        {
            if (_commands.TryGetValue(sql, out SqliteCommand? command))
            {
                return command;
            }

            if (_commands.Count >= MaxStatements)
            {
                DisposeCommands();
            }

            command = _connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
            return command;
        }

        public void Dispose()
        {
            DisposeCommands();
            _connection.Dispose();
        }

        private void DisposeCommands()
        {
            foreach (SqliteCommand command in _commands.Values)
            {
                command.Dispose();
            }

            _commands.Clear();
        }
    }
}
