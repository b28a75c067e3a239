using System.Data;
using GeoSync.Testing.Postgres;
using Npgsql;

namespace GeoSync.Persistence.Tests.OrleansAdoNet;

/// <summary>
/// GeoSync's PostgreSQL schema for Orleans' ADO.NET providers (Scripts/postgresql-orleans.sql), applied the way the
/// engine applies it (<see cref="GeoSyncDatabase.OpenAsync"/>), each test on a fresh database.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OrleansSchemaTests(PostgresServer server)
{
    [Fact]
    public async Task OpenAsync_TwiceOnOneDatabase_Succeeds()
    {
        string connectionString = await server.CreateDatabaseAsync("orleans");

        await (await OpenAsync(connectionString)).DisposeAsync();
        await (await OpenAsync(connectionString)).DisposeAsync();

        Assert.Equal(OrleansQueryContract.Queries.Count, (await ReadQueriesAsync(connectionString)).Count);
    }

    [Fact]
    public async Task OpenAsync_ThreeNodesAtOnce_AllSucceed()
    {
        string connectionString = await server.CreateDatabaseAsync("orleans");

        GeoSyncDatabase[] nodes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => OpenAsync(connectionString))));
        foreach (GeoSyncDatabase node in nodes)
        {
            await node.DisposeAsync();
        }

        Assert.Equal(OrleansQueryContract.Queries.Count, (await ReadQueriesAsync(connectionString)).Count);
    }

    [Fact]
    public async Task OpenAsync_FreshDatabase_HoldsEveryQueryKeyOfTheThreeProviders()
    {
        string connectionString = await server.CreateDatabaseAsync("orleans");
        await (await OpenAsync(connectionString)).DisposeAsync();

        IReadOnlyDictionary<string, int> versions = await ReadQueriesAsync(connectionString);

        Assert.All(OrleansQueryContract.Queries, q => Assert.True(versions.ContainsKey(q.Key), $"{q.Provider} needs OrleansQuery row '{q.Key}'"));
        Assert.All(versions.Values, v => Assert.Equal(1, v));
    }

    [Fact]
    public async Task OrleansQuery_EveryKey_AcceptsTheProvidersParametersAndReturnsTheColumnsItReads()
    {
        string connectionString = await server.CreateDatabaseAsync("orleans");
        await (await OpenAsync(connectionString)).DisposeAsync();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();

        foreach (OrleansQueryContract.Query query in OrleansQueryContract.Queries)
        {
            // Parse and describe only (no execution): the server checks the text, the parameter types and the columns.
            await using NpgsqlCommand command = await CommandAsync(connection, query.Key);
            foreach (OrleansQueryContract.Parameter parameter in query.Parameters)
            {
                command.Parameters.Add(new NpgsqlParameter { ParameterName = parameter.Name, DbType = parameter.Type, Value = DBNull.Value });
            }

            await using NpgsqlDataReader reader = await command.ExecuteReaderAsync(CommandBehavior.SchemaOnly);
            string[] columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
            Assert.All(query.Columns, c => Assert.True(columns.Contains(c, StringComparer.Ordinal), $"{query.Key} returns no column \"{c}\" (has {string.Join(", ", columns)})"));
        }
    }

    [Fact]
    public async Task OrleansScript_RowsOfAnOlderVersion_AreReplaced()
    {
        string connectionString = await server.CreateDatabaseAsync("orleans");
        await (await OpenAsync(connectionString)).DisposeAsync();
        await ExecuteAsync(connectionString, "UPDATE OrleansQuery SET QueryText = 'older', geosync_schema_version = 0 WHERE QueryKey = 'WriteToStorageKey'");

        await (await OpenAsync(connectionString)).DisposeAsync();

        Assert.NotEqual("older", await QueryTextAsync(connectionString, "WriteToStorageKey"));
    }

    [Fact]
    public async Task OrleansScript_RowsOfANewerVersion_AreKept()
    {
        string connectionString = await server.CreateDatabaseAsync("orleans");
        await (await OpenAsync(connectionString)).DisposeAsync();
        await ExecuteAsync(connectionString, "UPDATE OrleansQuery SET QueryText = 'newer', geosync_schema_version = 1000 WHERE QueryKey = 'WriteToStorageKey'");

        await (await OpenAsync(connectionString)).DisposeAsync();

        Assert.Equal("newer", await QueryTextAsync(connectionString, "WriteToStorageKey"));
    }

    internal static Task<GeoSyncDatabase> OpenAsync(string connectionString) =>
        GeoSyncDatabase.OpenAsync(new PersistenceOptions { Provider = PersistenceOptions.Postgres, ConnectionString = connectionString });

    /// <summary>A command holding the stored text of <paramref name="key"/>, as a provider would run it.</summary>
    internal static async Task<NpgsqlCommand> CommandAsync(NpgsqlConnection connection, string key, NpgsqlTransaction? transaction = null)
    {
        string text = await QueryTextAsync(connection, key, transaction);
        return new NpgsqlCommand(text, connection, transaction);
    }

    private static async Task<string> QueryTextAsync(NpgsqlConnection connection, string key, NpgsqlTransaction? transaction)
    {
        await using var command = new NpgsqlCommand("SELECT QueryText FROM OrleansQuery WHERE QueryKey = @key", connection, transaction);
        command.Parameters.AddWithValue("key", key);
        return (string?)await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"no OrleansQuery row '{key}'");
    }

    private static async Task<string> QueryTextAsync(string connectionString, string key)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return await QueryTextAsync(connection, key, null);
    }

    private static async Task<IReadOnlyDictionary<string, int>> ReadQueriesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT QueryKey, geosync_schema_version FROM OrleansQuery", connection);
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        var versions = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            versions.Add(reader.GetString(0), reader.GetInt32(1));
        }

        return versions;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
