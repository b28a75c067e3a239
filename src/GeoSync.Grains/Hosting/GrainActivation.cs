namespace GeoSync.Grains.Hosting;

/// <summary>One live grain: its instance, its turn lock and its activation, guarded by the host.</summary>
internal sealed class GrainActivation(string typeName, string key, GrainContext context, object instance)
{
    private readonly Lock _activationGate = new();
    private Task? _activation;

    public string TypeName { get; } = typeName;

    public string Key { get; } = key;

    public GrainContext Context { get; } = context;

    public object Instance { get; } = instance;

    public Grain Grain => (Grain)Instance;

    /// <summary>One message at a time.</summary>
    public SemaphoreSlim Turn { get; } = new(1, 1);

    /// <summary>Calls in flight or waiting; changed under the host's lock.</summary>
    public int Calls { get; set; }

    public DateTimeOffset LastUsed { get; set; }

    public bool IsActivated => _activation is { IsCompletedSuccessfully: true };

    public bool ActivationFailed => _activation is { IsFaulted: true } or { IsCanceled: true };

    public bool IsReadyAndIdle => IsActivated && Grain.CanDeactivate && Turn.CurrentCount == 1;

    public Task EnsureActivatedAsync(CancellationToken cancellationToken)
    {
        lock (_activationGate)
        {
            _activation ??= Grain.OnActivateAsync(cancellationToken);
            return _activation;
        }
    }
}
