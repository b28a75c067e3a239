using GeoSync.Testing;
using GeoSync.Testing.Postgres;
using Npgsql;
using Orleans;
using Orleans.Runtime;

namespace GeoSync.Persistence.Tests.OrleansAdoNet;

/// <summary>
/// Two Orleans silos in this process on one fresh database with GeoSync's schema: membership, grain state and
/// reminders through Orleans' ADO.NET providers, as a cluster of GeoSync nodes uses them.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OrleansClusterTests(PostgresServer server)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TwoSilos_OnTheSchema_SeeEachOtherActiveShareStateAndFireReminders()
    {
        string connectionString = await server.CreateDatabaseAsync("orleans");
        await (await OrleansSchemaTests.OpenAsync(connectionString)).DisposeAsync();
        string clusterId = $"cluster-{Guid.NewGuid():N}";

        await using AdoNetSilo first = await AdoNetSilo.StartAsync(connectionString, clusterId);
        await using AdoNetSilo second = await AdoNetSilo.StartAsync(connectionString, clusterId);

        // Membership: each silo sees both as active, and so does the table.
        await Eventually.HoldsAsync(
            () => BothActive(first) && BothActive(second), Deadline, "both silos see each other as Active");
        Assert.Equal(2, await CountAsync(connectionString, "SELECT count(*) FROM orleans_membership WHERE deployment_id = @p AND status = 3", clusterId));

        // A reminder registered through the first silo is stored and fires (on whichever silo owns its ring range).
        string reminderKey = $"reminder-{Guid.NewGuid():N}";
        IReminderProbeGrain probe = first.Grains.GetGrain<IReminderProbeGrain>(reminderKey);
        await probe.StartAsync(dueTime: TimeSpan.FromMilliseconds(500), period: TimeSpan.FromSeconds(1));
        Assert.Equal(1, await CountAsync(
            connectionString, "SELECT count(*) FROM orleans_reminders WHERE grain_id LIKE '%/' || @p AND reminder_name = 'probe'", reminderKey));
        await Eventually.HoldsAsync(() => ReminderTicks.Count(reminderKey) >= 2, Deadline, "the reminder fired twice");
        await probe.StopAsync();
        Assert.Equal(0, await CountAsync(connectionString, "SELECT count(*) FROM orleans_reminders WHERE grain_id LIKE '%/' || @p", reminderKey));

        // Grain state written on the first silo (the grain is placed where it is first called).
        string counterKey = $"counter-{Guid.NewGuid():N}";
        Assert.Equal(5, await first.Grains.GetGrain<ICounterGrain>(counterKey).AddAsync(5));
        Assert.Equal(7, await first.Grains.GetGrain<ICounterGrain>(counterKey).AddAsync(2));

        // The first silo leaves: it marks itself dead, and the survivor removes its row (CleanupDefunctSiloEntryKey).
        SiloAddress left = first.Address;
        await first.StopAsync();
        await Eventually.HoldsAsync(
            async () => await CountAsync(connectionString, "SELECT count(*) FROM orleans_membership WHERE deployment_id = @p", clusterId) == 1,
            Deadline, $"the row of the stopped silo {left} was cleaned up");

        // The survivor activates the grain from the stored state.
        Assert.Equal(7, await second.Grains.GetGrain<ICounterGrain>(counterKey).GetAsync());
        Assert.Equal(2, await CountAsync(
            connectionString,
            "SELECT version FROM orleans_storage WHERE grain_type = 'counter' AND grain_id_extension = @p AND grain_id_n0 = 0 AND grain_id_n1 = 0",
            counterKey));

        bool BothActive(AdoNetSilo silo) =>
            new[] { first.Address, second.Address }.All(a => silo.Membership.GetSiloStatus(a) == SiloStatus.Active);
    }

    private static async Task<long> CountAsync(string connectionString, string sql, string parameter)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("p", parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
