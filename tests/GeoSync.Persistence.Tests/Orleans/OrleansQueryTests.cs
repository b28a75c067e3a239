using GeoSync.Testing.Postgres;
using Npgsql;

namespace GeoSync.Persistence.Tests.OrleansAdoNet;

/// <summary>
/// The stored query texts run directly, with parameters named and typed as the 10.4.2 providers bind them
/// (<see cref="OrleansQueryContract"/>): the concurrency rules a cluster relies on, case by case.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OrleansQueryTests(PostgresServer server) : IAsyncLifetime
{
    private const string Deployment = "cluster";
    private static readonly DateTime T0 = new(2026, 3, 1, 12, 0, 0, 123, DateTimeKind.Utc);
    private NpgsqlConnection _connection = null!;

    public async Task InitializeAsync()
    {
        string connectionString = await server.CreateDatabaseAsync("orleans");
        await (await OrleansSchemaTests.OpenAsync(connectionString)).DisposeAsync();
        _connection = new NpgsqlConnection(connectionString);
        await _connection.OpenAsync();
    }

    public async Task DisposeAsync() => await _connection.DisposeAsync();

    [Fact]
    public async Task WriteToStorageKey_StaleOrRepeatedFirstWrite_ReturnsNoVersion()
    {
        Assert.Equal(new[] { 1 }, await WriteAsync(expected: null, "a"u8.ToArray()));
        Assert.Empty(await WriteAsync(expected: null, "b"u8.ToArray()));
        Assert.Equal(new[] { 2 }, await WriteAsync(expected: 1, "c"u8.ToArray()));
        Assert.Empty(await WriteAsync(expected: 1, "d"u8.ToArray()));

        List<object?[]> rows = await RunAsync("ReadFromStorageKey", StorageKey());
        Assert.Equal("c"u8.ToArray(), (byte[]?)Assert.Single(rows)[0]);
    }

    [Fact]
    public async Task InsertMembershipKey_StaleTableVersion_InsertsNothing()
    {
        Assert.Equal(1, await ScalarAsync("InsertMembershipVersionKey", ("DeploymentId", Deployment)));
        Assert.Equal(0, await ScalarAsync("InsertMembershipVersionKey", ("DeploymentId", Deployment)));

        Assert.Equal(1, await InsertMemberAsync(port: 11111, tableVersion: 0));
        Assert.Equal(0, await InsertMemberAsync(port: 22222, tableVersion: 0));
        Assert.Equal(1, await InsertMemberAsync(port: 22222, tableVersion: 1));

        List<object?[]> all = await RunAsync("MembershipReadAllKey", ("DeploymentId", Deployment));
        Assert.Equal(2, all.Count);
        Assert.All(all, row => Assert.Equal(2, row[0]));
    }

    [Fact]
    public async Task CleanupDefunctSiloEntryKey_VotesChangedSinceRead_KeepsTheRowElseDeletesIt()
    {
        await ScalarAsync("InsertMembershipVersionKey", ("DeploymentId", Deployment));
        await InsertMemberAsync(port: 11111, tableVersion: 0);
        // Dead, with an empty vote list: Orleans writes '' for it and reads it back as no list (null).
        Assert.Equal(1, await ScalarAsync("UpdateMembershipKey",
            [.. Member(11111), ("Status", 6), ("SuspectTimes", ""), ("IAmAliveTime", T0.AddSeconds(5)), ("Version", 1)]));
        object?[] read = Assert.Single(await RunAsync("MembershipReadAllKey", ("DeploymentId", Deployment)));
        var startTime = (DateTime)read[9]!;
        var iAmAlive = (DateTime)read[10]!;

        await RunAsync("CleanupDefunctSiloEntryKey",
            [.. Member(11111), ("SuspectTimes", "S127.0.0.1:22222:1,2026-03-01 12:00:06.000 GMT"), ("StartTime", startTime), ("IAmAliveTime", iAmAlive)]);
        Assert.Single(await RunAsync("MembershipReadAllKey", ("DeploymentId", Deployment)));

        await RunAsync("CleanupDefunctSiloEntryKey", [.. Member(11111), ("SuspectTimes", null), ("StartTime", startTime), ("IAmAliveTime", iAmAlive)]);
        Assert.Null(Assert.Single(await RunAsync("MembershipReadAllKey", ("DeploymentId", Deployment)))[1]);
    }

    [Fact]
    public async Task ReadRangeRowsKeys_SignedHashRing_ReturnTheRemindersOfTheRange()
    {
        foreach ((string grain, int hash) in new[] { ("t/minus", -5), ("t/zero", 0), ("t/plus", 5) })
        {
            Assert.Equal(0, await ScalarAsync("UpsertReminderRowKey", ("ServiceId", "s"), ("GrainHash", hash), ("GrainId", grain),
                ("ReminderName", "r"), ("StartTime", T0), ("Period", 60_000L)));
        }

        // (begin, end] without wrapping in signed order, then one that wraps past int.MaxValue.
        Assert.Equal(["t/plus", "t/zero"], await GrainsAsync("ReadRangeRows1Key", begin: -1, end: 5));
        Assert.Equal(["t/minus", "t/plus"], await GrainsAsync("ReadRangeRows2Key", begin: 4, end: -5));
    }

    private async Task<string[]> GrainsAsync(string key, int begin, int end) =>
        (await RunAsync(key, ("ServiceId", "s"), ("BeginHash", begin), ("EndHash", end))).Select(r => (string)r[0]!).Order(StringComparer.Ordinal).ToArray();

    private async Task<int[]> WriteAsync(int? expected, byte[] payload) =>
        (await RunAsync("WriteToStorageKey", StorageKey().Append(("GrainStateVersion", expected)).Append(("PayloadBinary", payload))))
        .Select(r => (int)r[0]!).ToArray();

    private static (string, object?)[] StorageKey() =>
    [
        ("GrainIdHash", 17), ("GrainIdN0", 0L), ("GrainIdN1", 0L), ("GrainTypeHash", 42), ("GrainTypeString", "repository"),
        ("GrainIdExtensionString", "team/app"), ("ServiceId", "geosync"),
    ];

    private Task<int> InsertMemberAsync(int port, int tableVersion) => ScalarAsync("InsertMembershipKey",
        [.. Member(port), ("SiloName", $"silo-{port}"), ("HostName", "host"), ("Status", 3), ("ProxyPort", 0),
         ("StartTime", T0), ("IAmAliveTime", T0), ("Version", tableVersion)]);

    private static (string, object?)[] Member(int port) =>
        [("DeploymentId", Deployment), ("Address", "127.0.0.1"), ("Port", port), ("Generation", 1)];

    private async Task<int> ScalarAsync(string key, params IEnumerable<(string Name, object? Value)> parameters) =>
        Convert.ToInt32(Assert.Single(Assert.Single(await RunAsync(key, parameters))), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Runs a stored query with parameters typed as the provider types them; returns its rows.</summary>
    private async Task<List<object?[]>> RunAsync(string key, params IEnumerable<(string Name, object? Value)> parameters)
    {
        OrleansQueryContract.Query query = OrleansQueryContract.Queries.Single(q => q.Key == key);
        await using NpgsqlCommand command = await OrleansSchemaTests.CommandAsync(_connection, key);
        foreach ((string name, object? value) in parameters)
        {
            OrleansQueryContract.Parameter parameter = query.Parameters.Single(p => p.Name == name);
            command.Parameters.Add(new NpgsqlParameter { ParameterName = name, DbType = parameter.Type, Value = value ?? DBNull.Value });
        }

        var rows = new List<object?[]>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i)).ToArray());
        }

        return rows;
    }
}
