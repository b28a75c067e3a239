namespace GeoSync.Persistence;

/// <summary>Rejects inbox events with missing fields before they reach a transaction shared with other callers.</summary>
internal static class InboxEventValidation
{
    public static void ThrowIfInvalid(IReadOnlyList<InboxEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        for (int i = 0; i < events.Count; i++)
        {
            InboxEvent? e = events[i] ?? throw new ArgumentException($"events[{i}] is null", nameof(events));
            if (string.IsNullOrEmpty(e.EventId) || string.IsNullOrEmpty(e.SourceRegion) || string.IsNullOrEmpty(e.Repository) || e.Payload is null)
            {
                throw new ArgumentException($"events[{i}]: EventId, SourceRegion, Repository and Payload are required", nameof(events));
            }
        }
    }
}
