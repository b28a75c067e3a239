namespace GeoSync.Persistence;

/// <summary>A persistent wake-up for a grain, as Orleans reminders are: it survives restarts.</summary>
public sealed record GrainReminder(string GrainType, string GrainKey, string Name, DateTimeOffset DueAt);

/// <summary>
/// Persistent reminders. A grain with unfinished work registers one; the host activates grains whose reminders
/// are due (and all of them after a restart), so pending work resumes without any event arriving.
/// </summary>
public interface IReminderTable
{
    /// <summary>Registers a reminder, or moves its due time when (type, key, name) exists.</summary>
    Task UpsertAsync(GrainReminder reminder, CancellationToken cancellationToken = default);

    /// <summary>Removes a reminder; no-op when absent.</summary>
    Task RemoveAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken = default);

    /// <summary>Reminders due at or before <paramref name="now"/>, earliest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<GrainReminder>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    /// <summary>Every reminder of a grain type, by key and name.</summary>
    Task<IReadOnlyList<GrainReminder>> ListAsync(string grainType, CancellationToken cancellationToken = default);
}
