namespace GeoSync.Webhooks;

/// <summary>
/// The breaker of one endpoint: after <c>threshold</c> consecutive failed attempts it opens and holds the
/// endpoint's deliveries for the break duration; then one probe attempt goes out (half-open): success closes it,
/// failure opens it again. Other endpoints have their own breakers. Thread-safe.
/// </summary>
public sealed class EndpointCircuitBreaker(int threshold, TimeSpan breakDuration)
{
    private readonly object _gate = new();
    private int _consecutiveFailures;
    private DateTimeOffset? _openUntil;
    private bool _probing;

    /// <summary>Closed, Open or HalfOpen (a probe may go or is under way).</summary>
    public string State
    {
        get
        {
            lock (_gate)
            {
                return _openUntil is null ? "Closed" : _probing ? "HalfOpen" : "Open";
            }
        }
    }

    /// <summary>When the open breaker lets a probe through; null when closed.</summary>
    public DateTimeOffset? OpenUntil
    {
        get
        {
            lock (_gate)
            {
                return _openUntil;
            }
        }
    }

    /// <summary>
    /// How many attempts may start now: 0 while open, 1 for the probe once the break is over (and 0 while that probe
    /// is under way), <paramref name="concurrency"/> when closed. A granted probe must be followed by <see cref="Record"/>.
    /// </summary>
    public int Admit(DateTimeOffset now, int concurrency)
    {
        lock (_gate)
        {
            if (_openUntil is null)
            {
                return concurrency;
            }

            if (_probing || now < _openUntil)
            {
                return 0;
            }

            _probing = true;
            return 1;
        }
    }

    /// <summary>Consecutive failed attempts so far.</summary>
    public int ConsecutiveFailures
    {
        get
        {
            lock (_gate)
            {
                return _consecutiveFailures;
            }
        }
    }

    /// <summary>True while the breaker holds deliveries back: open, or its probe is under way.</summary>
    public bool IsHolding(DateTimeOffset now)
    {
        lock (_gate)
        {
            return _openUntil is not null && (_probing || now < _openUntil);
        }
    }

    /// <summary>Records an attempt's outcome; says whether it opened or closed the breaker.</summary>
    public BreakerTransition Record(bool success, DateTimeOffset now)
    {
        lock (_gate)
        {
            _probing = false;
            if (success)
            {
                _consecutiveFailures = 0;
                bool wasOpen = _openUntil is not null;
                _openUntil = null;
                return wasOpen ? BreakerTransition.Closed : BreakerTransition.None;
            }

            _consecutiveFailures++;
            if (_openUntil is not null || _consecutiveFailures >= threshold)
            {
                bool opened = _openUntil is null;
                _openUntil = now + breakDuration;
                return opened ? BreakerTransition.Opened : BreakerTransition.None;
            }

            return BreakerTransition.None;
        }
    }

    /// <summary>Gives back a probe that did not happen (nothing was due after all).</summary>
    public void CancelProbe()
    {
        lock (_gate)
        {
            _probing = false;
        }
    }
}

/// <summary>What recording an attempt did to a breaker.</summary>
public enum BreakerTransition
{
    None,
    Opened,
    Closed,
}
