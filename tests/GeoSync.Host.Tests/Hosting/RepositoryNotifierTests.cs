using System.Reflection;
using GeoSync.Grains.Repositories;
using GeoSync.Host.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;

namespace GeoSync.Host.Tests.Hosting;

public sealed class RepositoryNotifierTests
{
    [Fact]
    public async Task Notify_BurstWhileAWakeUpIsInFlight_CostsOneMoreCall()
    {
        var grain = new HeldGrain();
        var notifier = new RepositoryNotifier(GrainFactoryOf(grain), NullLogger<RepositoryNotifier>.Instance);

        notifier.Notify("team/app");
        for (int i = 0; i < 100; i++)
        {
            notifier.Notify("team/app");
        }

        Assert.Equal(1, grain.Calls);
        grain.Release();
        await GeoSync.Testing.Eventually.HoldsAsync(() => grain.Calls == 2, TimeSpan.FromSeconds(5), "the one call the burst is owed");
        grain.Release();
        await notifier.StopAsync(CancellationToken.None);
        Assert.Equal(2, grain.Calls);
    }

    /// <summary>A repository grain whose <c>NotifyAsync</c> calls each wait until the test releases them.</summary>
    private sealed class HeldGrain
    {
        private readonly Lock _gate = new();
        private TaskCompletionSource _current = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task NotifyAsync()
        {
            Interlocked.Increment(ref _calls);
            lock (_gate)
            {
                return _current.Task;
            }
        }

        public void Release()
        {
            lock (_gate)
            {
                TaskCompletionSource released = _current;
                _current = new(TaskCreationOptions.RunContinuationsAsynchronously);
                released.SetResult();
            }
        }
    }

    private static IGrainFactory GrainFactoryOf(HeldGrain grain)
    {
        IGrainFactory factory = DispatchProxy.Create<IGrainFactory, Proxy>();
        ((Proxy)(object)factory).Handle = (method, _) => method.Name == nameof(IGrainFactory.GetGrain) ? RepositoryOf(grain) : throw new NotSupportedException(method.Name);
        return factory;
    }

    private static IRepositoryGrain RepositoryOf(HeldGrain grain)
    {
        IRepositoryGrain repository = DispatchProxy.Create<IRepositoryGrain, Proxy>();
        ((Proxy)(object)repository).Handle = (method, _) => method.Name == nameof(IRepositoryGrain.NotifyAsync) ? grain.NotifyAsync() : throw new NotSupportedException(method.Name);
        return repository;
    }

    /// <summary>Answers calls on an interface with a delegate (the two interfaces are too wide to fake by hand).</summary>
    public class Proxy : DispatchProxy
    {
        public Func<MethodInfo, object?[]?, object?> Handle { get; set; } = (m, _) => throw new NotSupportedException(m.Name);

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => Handle(targetMethod!, args);
    }
}
