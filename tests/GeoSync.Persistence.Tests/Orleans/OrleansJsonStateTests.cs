using System.Text;
using System.Text.Json;
using GeoSync.Testing.Postgres;
using Npgsql;

namespace GeoSync.Persistence.Tests.OrleansAdoNet;

/// <summary>
/// What Orleans' ADO.NET grain storage writes into orleans_storage.payload_binary. The provider serializes with its
/// options' GrainStorageSerializer; left unset, Orleans fills it with the IGrainStorageSerializer keyed with the
/// provider's name, else the silo-wide one, which by default is JsonGrainStorageSerializer (Newtonsoft.Json, UTF-8).
/// Orleans 10.4.2 also ships SystemTextJsonGrainStorageSerializer (see <see cref="AdoNetSilo"/> for how one provider
/// gets it; <c>siloBuilder.UseSystemTextJsonGrainStorageSerializer()</c> makes it every provider's default).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class OrleansJsonStateTests(PostgresServer server)
{
    [Fact]
    public async Task WriteStateAsync_SystemTextJsonSerializerKeyedToTheProvider_StoresSystemTextJsonText()
    {
        string connectionString = await server.CreateDatabaseAsync("orleans");
        await (await OrleansSchemaTests.OpenAsync(connectionString)).DisposeAsync();
        string clusterId = $"cluster-{Guid.NewGuid():N}";
        string key = "team/app";

        await using (AdoNetSilo silo = await AdoNetSilo.StartAsync(connectionString, clusterId))
        {
            await silo.Grains.GetGrain<ITagGrain>(key).SetAsync("v1", "sha256:0123");
        }

        // System.Text.Json honours [JsonPropertyName]: the stored text is plain JSON a reader can query.
        using JsonDocument json = JsonDocument.Parse(await PayloadAsync(connectionString, "tag-json", key));
        Assert.Equal("v1", json.RootElement.GetProperty("tag").GetString());
        Assert.Equal("sha256:0123", json.RootElement.GetProperty("digest").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("writes").GetInt32());

        Assert.False(json.RootElement.TryGetProperty("$type", out _));

        // Orleans' default (Newtonsoft.Json) ignores it: JSON too, but with the C# property names, "$id" and the
        // state's assembly-qualified CLR type name in "$type" (TypeNameHandling.All), so renaming the type strands state.
        using JsonDocument newtonsoft = JsonDocument.Parse(await PayloadAsync(connectionString, "tag-default", key));
        Assert.Equal("v1", newtonsoft.RootElement.GetProperty("Tag").GetString());
        Assert.StartsWith(typeof(TagState).FullName!, newtonsoft.RootElement.GetProperty("$type").GetString(), StringComparison.Ordinal);

        // And the provider reads its own JSON back on another silo.
        await using AdoNetSilo next = await AdoNetSilo.StartAsync(connectionString, clusterId);
        Assert.Equal(new TagState { Tag = "v1", Digest = "sha256:0123", Writes = 1 }, await next.Grains.GetGrain<ITagGrain>(key).GetJsonStateAsync());
    }

    private static async Task<string> PayloadAsync(string connectionString, string stateName, string key)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT payload_binary FROM orleans_storage WHERE grain_type = @state AND grain_id_extension = @key", connection);
        command.Parameters.AddWithValue("state", stateName);
        command.Parameters.AddWithValue("key", key);
        byte[] payload = (byte[]?)await command.ExecuteScalarAsync() ?? throw new InvalidOperationException($"no stored state '{stateName}' for '{key}'");
        return Encoding.UTF8.GetString(payload);
    }
}
