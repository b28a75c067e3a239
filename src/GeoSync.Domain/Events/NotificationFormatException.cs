namespace GeoSync.Domain.Events;

/// <summary>A notification envelope GeoSync cannot accept; <see cref="Field"/> is the JSON path of the culprit.</summary>
public sealed class NotificationFormatException : FormatException
{
    /// <summary>Creates the error for <paramref name="field"/>.</summary>
    public NotificationFormatException(string field, string reason)
        : base($"notification field '{field}': {reason}")
    {
        Field = field;
        Reason = reason;
    }

    /// <summary>The JSON path of the wrong field, e.g. <c>events[3].target.repository</c>; <c>$</c> for the whole body.</summary>
    public string Field { get; }

    /// <summary>What is wrong with the field.</summary>
    public string Reason { get; }
}
