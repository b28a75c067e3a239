using Microsoft.Data.Sqlite;

namespace GeoSync.Persistence.Sqlite;

/// <summary>
/// Connections for reads, from Microsoft.Data.Sqlite's pool. In WAL mode readers never block the writer nor wait
/// for it, and each read sees everything committed before it started.
/// </summary>
internal sealed class SqliteReaders(string connectionString)
{
    /// <summary>An open pooled connection; dispose it to return it to the pool.</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Closes the idle pooled connections, so that nothing holds the file once the database is closed.</summary>
    public void ClearPool()
    {
        using var connection = new SqliteConnection(connectionString);
        SqliteConnection.ClearPool(connection);
    }

    /// <summary>Runs a query and maps every row.</summary>
    public IReadOnlyList<T> Query<T>(string sql, Action<SqliteParameterCollection> bind, Func<SqliteDataReader, T> map)
    {
        using SqliteConnection connection = Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command.Parameters);
        using SqliteDataReader reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(map(reader));
        }

        return rows;
    }

    /// <summary>Runs a query that returns one value.</summary>
    public T Scalar<T>(string sql, Action<SqliteParameterCollection> bind)
    {
        using SqliteConnection connection = Open();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command.Parameters);
        return (T)Convert.ChangeType(command.ExecuteScalar()!, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }
}
