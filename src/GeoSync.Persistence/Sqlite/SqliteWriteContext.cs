using Microsoft.Data.Sqlite;

namespace GeoSync.Persistence.Sqlite;

/// <summary>
/// What a write sees: the single writer connection, with prepared commands cached by SQL text (statements are
/// compiled once and reused across batches; only the writer loop touches them, so no locking is needed).
/// </summary>
internal sealed class SqliteWriteContext(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly List<Action> _afterCommit = [];

    public SqliteConnection Connection => connection;

    /// <summary>A prepared command for <paramref name="sql"/> with its parameters cleared.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out SqliteCommand? command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        command.Parameters.Clear();
        return command;
    }

    /// <summary>
    /// Runs <paramref name="action"/> on the writer thread once the batch is committed, before any caller's task
    /// completes, in the order the writes ran; dropped if the write or its batch fails. Keep it short: the next batch waits.
    /// </summary>
    public void AfterCommit(Action action) => _afterCommit.Add(action);

    /// <summary>How many after-commit actions the batch holds; a failed write drops back to its mark.</summary>
    internal int AfterCommitMark => _afterCommit.Count;

    internal void DropAfterCommit(int mark) => _afterCommit.RemoveRange(mark, _afterCommit.Count - mark);

    internal void RunAfterCommit()
    {
        foreach (Action action in _afterCommit)
        {
            action();
        }

        _afterCommit.Clear();
    }

    /// <summary>Runs a statement without parameters.</summary>
    public int Execute(string sql) => Command(sql).ExecuteNonQuery();

    public void Dispose()
    {
        foreach (SqliteCommand command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }
}
