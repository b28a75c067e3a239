namespace GeoSync.Persistence;

/// <summary>A persistent wake-up for a grain, as Orleans reminders are: it survives restarts.</summary>
public sealed record GrainReminder(string GrainType, string GrainKey, string Name, DateTimeOffset DueAt);

/// <summary>
/// Persistent reminders. A grain with unfinished work registers one; the host activates grains whose reminders
/// are due (and all of them after a restart), so pending work resumes without any event arriving.
/// </summary>
public interface IReminderTable
{
    Task UpsertAsync(GrainReminder reminder, CancellationToken cancellationToken = default);

    Task RemoveAsync(string grainType, string grainKey, string name, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<GrainReminder>> ListDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<GrainReminder>> ListAsync(string grainType, CancellationToken cancellationToken = default);
}
