using GeoSync.Grains.Hosting;
using GeoSync.Grains.Tests.Fakes;
using GeoSync.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace GeoSync.Grains.Tests.Hosting;

public interface ITickerGrain : IGrain
{
    /// <summary>Arms a timer that ticks and arms itself again, <paramref name="ticks"/> times in all.</summary>
    Task StartAsync(int ticks);

    Task TickAsync();

    /// <summary>Arms a timer and cancels it twice (as a grain does when it writes early what a timer would have).</summary>
    Task ArmAndCancelAsync();

    Task<(int Ticks, int PendingTimers)> ReadAsync();
}

public sealed class TickerGrain(GrainContext context, List<string> deactivated) : Grain(context), ITickerGrain
{
    private int _left;
    private int _ticks;

    public Task StartAsync(int ticks)
    {
        _left = ticks;
        Arm();
        return Task.CompletedTask;
    }

    public Task TickAsync()
    {
        _ticks++;
        if (--_left > 0)
        {
            Arm();
        }

        return Task.CompletedTask;
    }

    public Task ArmAndCancelAsync()
    {
        IDisposable timer = Context.RegisterTimer<ITickerGrain>(g => g.TickAsync(), Due);
        timer.Dispose();
        timer.Dispose();
        return Task.CompletedTask;
    }

    public Task<(int Ticks, int PendingTimers)> ReadAsync() => Task.FromResult((_ticks, Context.PendingTimers));

    public override Task OnDeactivateAsync(CancellationToken cancellationToken)
    {
        deactivated.Add(Key);
        return Task.CompletedTask;
    }

    /// <summary>Timers run on the host's clock; this host's is the system clock, so they are short.</summary>
    public static readonly TimeSpan Due = TimeSpan.FromMilliseconds(10);

    private void Arm() => Context.RegisterTimer<ITickerGrain>(g => g.TickAsync(), Due);
}

public sealed class GrainTimerTests
{
    private static (GrainHost Host, List<string> Deactivated) NewHost()
    {
        var host = new GrainHost(new InMemoryGrainStateStore(), TimeProvider.System, NullLogger<GrainHost>.Instance, new GrainHostOptions { CollectionPeriod = TimeSpan.FromDays(1) });
        var deactivated = new List<string>();
        host.Register<ITickerGrain>(ctx => new TickerGrain(ctx, deactivated));
        return (host, deactivated);
    }

    [Fact]
    public async Task Timer_ReArmedOnEveryTick_FiresEachTimeAndIsForgottenOnceFired()
    {
        (GrainHost host, _) = NewHost();
        await using (host)
        {
            ITickerGrain grain = host.GetGrain<ITickerGrain>("t");
            await grain.StartAsync(ticks: 20);
            await Eventually.HoldsAsync(async () => (await grain.ReadAsync()).Ticks == 20, TimeSpan.FromSeconds(10), "20 ticks");

            // A long-lived activation that re-arms its timers keeps none of the fired ones.
            Assert.Equal((20, 0), await grain.ReadAsync());
        }
    }

    [Fact]
    public async Task Timer_CancelledTwiceByTheGrain_NeverFiresAndDeactivationStillRuns()
    {
        (GrainHost host, List<string> deactivated) = NewHost();
        await using (host)
        {
            ITickerGrain grain = host.GetGrain<ITickerGrain>("c");
            await grain.ArmAndCancelAsync();
            await Task.Delay(TickerGrain.Due * 20); // a tick would have come by now
            Assert.Equal((0, 0), await grain.ReadAsync());
        }

        Assert.Equal(["c"], deactivated);
    }
}
