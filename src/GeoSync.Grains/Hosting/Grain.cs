namespace GeoSync.Grains.Hosting;

/// <summary>
/// Base class of a grain implementation. The host creates one instance per key when the grain is first called,
/// runs <see cref="OnActivateAsync"/> before any message, delivers messages one at a time, and calls
/// <see cref="OnDeactivateAsync"/> when the grain has been idle long enough.
/// </summary>
public abstract class Grain
{
    protected Grain(GrainContext context) => Context = context;

    /// <summary>The grain's identity, services and timers.</summary>
    protected GrainContext Context { get; }

    /// <summary>The grain's key, e.g. <c>team/app</c>.</summary>
    public string Key => Context.Key;

    /// <summary>False while the grain has work in flight that must not be dropped by idle deactivation.</summary>
    public virtual bool CanDeactivate => true;

    /// <summary>Runs once, before the first message: load state here.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs once when the host deactivates the grain (idle, or host shutdown).</summary>
    public virtual Task OnDeactivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
