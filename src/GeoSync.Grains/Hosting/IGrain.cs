namespace GeoSync.Grains.Hosting;

/// <summary>
/// Marker for grain interfaces. As in Orleans, a grain interface has only methods returning <see cref="Task"/> or
/// <see cref="Task{TResult}"/>; calls are messages, processed one at a time by the grain's single activation.
/// </summary>
public interface IGrain
{
}

/// <summary>Creates references to grains, as Orleans' <c>IGrainFactory</c> does.</summary>
public interface IGrainFactory
{
    /// <summary>A reference to the grain with this key; the grain is activated on its first call.</summary>
    TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : class, IGrain;
}
