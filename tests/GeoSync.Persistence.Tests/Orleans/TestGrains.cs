using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using Orleans;
using Orleans.Placement;
using Orleans.Runtime;

namespace GeoSync.Persistence.Tests.OrleansAdoNet;

// Small grains for the ADO.NET provider tests. They run in this test process, on silos started by AdoNetSilo.
// No ConfigureAwait(false) here: it would leave the grain's scheduler.

/// <summary>A counter kept in the ADO.NET grain storage named <see cref="AdoNetSilo.StorageName"/>.</summary>
[Alias("geosync-tests.counter")]
public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> AddAsync(int amount);

    Task<int> GetAsync();
}

/// <summary>The counter's persisted state: an immutable record, changed with <c>with</c> and then written.</summary>
[GenerateSerializer, Alias("geosync-tests.counter-state")]
public sealed record CounterState
{
    [Id(0)] public int Count { get; init; }
}

/// <summary>Activated on the silo that calls it first, so a test knows which silo holds it.</summary>
[PreferLocalPlacement]
public sealed class CounterGrain([PersistentState("counter", AdoNetSilo.StorageName)] IPersistentState<CounterState> state)
    : Grain, ICounterGrain
{
    public async Task<int> AddAsync(int amount)
    {
        state.State = state.State with { Count = state.State.Count + amount };
        await state.WriteStateAsync();
        return state.State.Count;
    }

    public Task<int> GetAsync() => Task.FromResult(state.State.Count);
}

/// <summary>Registers a reminder and counts its ticks in <see cref="ReminderTicks"/>.</summary>
[Alias("geosync-tests.reminder-probe")]
public interface IReminderProbeGrain : IGrainWithStringKey
{
    Task StartAsync(TimeSpan dueTime, TimeSpan period);

    Task StopAsync();
}

/// <inheritdoc cref="IReminderProbeGrain"/>
[PreferLocalPlacement]
public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    public const string ReminderName = "probe";

    public async Task StartAsync(TimeSpan dueTime, TimeSpan period) =>
        await this.RegisterOrUpdateReminder(ReminderName, dueTime, period);

    public async Task StopAsync()
    {
        IGrainReminder? reminder = await this.GetReminder(ReminderName);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        ReminderTicks.Record(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }
}

/// <summary>Reminder ticks per grain key, across every silo of this process.</summary>
public static class ReminderTicks
{
    private static readonly ConcurrentDictionary<string, int> Ticks = new();

    public static void Record(string key) => Ticks.AddOrUpdate(key, 1, (_, n) => n + 1);

    public static int Count(string key) => Ticks.TryGetValue(key, out int n) ? n : 0;
}

/// <summary>Writes one tag to two states: one per serializer under test.</summary>
[Alias("geosync-tests.tag")]
public interface ITagGrain : IGrainWithStringKey
{
    Task SetAsync(string tag, string digest);

    Task<TagState> GetJsonStateAsync();
}

/// <summary>
/// State written by both serializers. <see cref="JsonPropertyNameAttribute"/> is honoured by System.Text.Json only,
/// which shows in the stored text which serializer wrote it.
/// </summary>
[GenerateSerializer, Alias("geosync-tests.tag-state")]
public sealed record TagState
{
    [Id(0), JsonPropertyName("tag")] public string Tag { get; init; } = "";

    [Id(1), JsonPropertyName("digest")] public string Digest { get; init; } = "";

    [Id(2), JsonPropertyName("writes")] public int Writes { get; init; }
}

/// <inheritdoc cref="ITagGrain"/>
public sealed class TagGrain(
    [PersistentState("tag-json", AdoNetSilo.JsonStorageName)] IPersistentState<TagState> json,
    [PersistentState("tag-default", AdoNetSilo.StorageName)] IPersistentState<TagState> orleansDefault)
    : Grain, ITagGrain
{
    public async Task SetAsync(string tag, string digest)
    {
        json.State = json.State with { Tag = tag, Digest = digest, Writes = json.State.Writes + 1 };
        orleansDefault.State = json.State;
        await json.WriteStateAsync();
        await orleansDefault.WriteStateAsync();
    }

    public Task<TagState> GetJsonStateAsync() => Task.FromResult(json.State);
}
