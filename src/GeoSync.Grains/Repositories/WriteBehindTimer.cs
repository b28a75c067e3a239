namespace GeoSync.Grains.Repositories;

/// <summary>
/// The one timer a repository grain writes behind with (its status and its checkpoint, in one turn). Armed when
/// something changes, it fires once after the delay; it is re-armed rather than created again, so a busy repository
/// costs one timer and one turn per delay, not one of each per change. Used from the grain's turns only.
/// </summary>
internal sealed class WriteBehindTimer(IGrainBase grain, Func<Task> flush, TimeSpan delay)
{
    private IGrainTimer? _timer;
    private bool _armed;

    /// <summary>Fires within the delay, unless already armed.</summary>
    public void Arm() => ArmIn(delay);

    /// <summary>Fires after <paramref name="due"/>, unless already armed.</summary>
    public void ArmIn(TimeSpan due)
    {
        if (_armed)
        {
            return;
        }

        _timer ??= grain.RegisterGrainTimer(OnTickAsync, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(due, Timeout.InfiniteTimeSpan);
        _armed = true;
    }

    private Task OnTickAsync()
    {
        _armed = false;
        return flush();
    }
}
