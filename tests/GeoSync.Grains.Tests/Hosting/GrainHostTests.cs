using GeoSync.Grains.Hosting;
using GeoSync.Grains.Tests.Fakes;
using GeoSync.Persistence;
using GeoSync.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace GeoSync.Grains.Tests.Hosting;

public interface ICounterGrain : IGrain
{
    Task<int> AddAsync(int value);

    Task<int> GetAsync();

    Task<int> SlowIncrementAsync(TimeSpan holdFor);
}

public sealed record CounterState(int Value);

public sealed class CounterGrain : Grain, ICounterGrain
{
    private readonly PersistentState<CounterState> _state;

    public CounterGrain(GrainContext context, List<string> activations)
        : base(context)
    {
        _state = context.CreateState(() => new CounterState(0));
        activations.Add(context.Key);
    }

    public static int Concurrent;
    public static int MaxConcurrent;

    public override Task OnActivateAsync(CancellationToken cancellationToken) => _state.ReadStateAsync(cancellationToken);

    public async Task<int> AddAsync(int value)
    {
        _state.State = _state.State with { Value = _state.State.Value + value };
        await _state.WriteStateAsync();
        return _state.State.Value;
    }

    public Task<int> GetAsync() => Task.FromResult(_state.State.Value);

    public async Task<int> SlowIncrementAsync(TimeSpan holdFor)
    {
        int now = Interlocked.Increment(ref Concurrent);
        InterlockedMax(ref MaxConcurrent, now);
        int read = _state.State.Value;
        await Task.Delay(holdFor);
        _state.State = new CounterState(read + 1);
        Interlocked.Decrement(ref Concurrent);
        return read + 1;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

public sealed class GrainHostTests
{
    private static (GrainHost Host, List<string> Activations, InMemoryGrainStateStore Store, FakeTimeProvider Clock) NewHost(InMemoryGrainStateStore? store = null)
    {
        store ??= new InMemoryGrainStateStore();
        var clock = new FakeTimeProvider();
        var host = new GrainHost(store, clock, NullLogger<GrainHost>.Instance, new GrainHostOptions { IdleTimeout = TimeSpan.FromMinutes(1), CollectionPeriod = TimeSpan.FromDays(1) });
        var activations = new List<string>();
        host.Register<ICounterGrain>(ctx => new CounterGrain(ctx, activations));
        return (host, activations, store, clock);
    }

    [Fact]
    public async Task GetGrain_SameKeyManyCallers_OneActivation()
    {
        (GrainHost host, List<string> activations, _, _) = NewHost();
        await using (host)
        {
            await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => host.GetGrain<ICounterGrain>("a").AddAsync(1)));
            Assert.Equal(50, await host.GetGrain<ICounterGrain>("a").GetAsync());
            Assert.Single(activations);
        }
    }

    [Fact]
    public async Task Invoke_ConcurrentCalls_RunOneAtATime()
    {
        (GrainHost host, _, _, _) = NewHost();
        await using (host)
        {
            CounterGrain.MaxConcurrent = 0;
            int[] results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => host.GetGrain<ICounterGrain>("b").SlowIncrementAsync(TimeSpan.FromMilliseconds(5))));
            // Read-modify-write across an await loses no update only when turns never interleave.
            Assert.Equal(Enumerable.Range(1, 10), results.Order());
            Assert.Equal(1, CounterGrain.MaxConcurrent);
        }
    }

    [Fact]
    public async Task CollectIdle_AfterIdleTimeout_DeactivatesAndReactivatesWithPersistedState()
    {
        (GrainHost host, List<string> activations, _, FakeTimeProvider clock) = NewHost();
        await using (host)
        {
            await host.GetGrain<ICounterGrain>("c").AddAsync(7);
            await host.CollectIdleAsync();
            Assert.Equal(1, host.ActivationCount);

            clock.Advance(TimeSpan.FromMinutes(2));
            await host.CollectIdleAsync();
            Assert.Equal(0, host.ActivationCount);

            Assert.Equal(7, await host.GetGrain<ICounterGrain>("c").GetAsync());
            Assert.Equal(["c", "c"], activations);
        }
    }

    [Fact]
    public async Task WriteState_StaleETag_FailsWithoutOverwriting()
    {
        var store = new InMemoryGrainStateStore();
        (GrainHost first, _, _, _) = NewHost(store);
        (GrainHost second, _, _, _) = NewHost(store);
        await using (first)
        await using (second)
        {
            // Two hosts activate the same grain (a duplicate activation); the later write with the stale ETag must fail.
            Assert.Equal(1, await first.GetGrain<ICounterGrain>("d").AddAsync(1));
            Assert.Equal(2, await second.GetGrain<ICounterGrain>("d").AddAsync(1));
            await Assert.ThrowsAsync<InconsistentStateException>(() => first.GetGrain<ICounterGrain>("d").AddAsync(100));
            StoredGrainState? stored = await store.ReadAsync(nameof(ICounterGrain), "d");
            Assert.Contains("\"value\":2", stored!.Payload);
        }
    }
}
