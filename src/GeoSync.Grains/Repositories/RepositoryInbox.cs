using GeoSync.Domain.Content;
using GeoSync.Domain.Events;
using GeoSync.Domain.Names;
using GeoSync.Domain.Text;
using GeoSync.Persistence;
using Microsoft.Extensions.Logging;

namespace GeoSync.Grains.Repositories;

/// <summary>
/// A repository grain's side of the event inbox: stored entries applied to the state in sequence order. The
/// decisions are <see cref="EventApplication"/>'s; this reads the stored envelopes, skips what cannot be applied
/// (logged, never blocking the rest), and asks the <see cref="Replication.ReferrerIndex"/> which pushes are referrers.
/// Called from the grain's turns, so it stays on the grain's scheduler.
/// </summary>
internal sealed partial class RepositoryInbox(RepositoryServices services, ILogger logger)
{
    private readonly ILogger _logger = logger;

    /// <summary>The state after <paramref name="entries"/>, including their last sequence.</summary>
    public async Task<RepositoryState> ApplyAsync(RepositoryName repository, RepositoryState state, IReadOnlyList<InboxEntry> entries, CancellationToken cancellationToken)
    {
        foreach (InboxEntry entry in entries)
        {
            state = await ApplyEntryAsync(repository, state, entry, cancellationToken);
        }

        return entries.Count == 0 ? state : state with { LastSequence = entries[^1].Sequence };
    }

    private async Task<RepositoryState> ApplyEntryAsync(RepositoryName repository, RepositoryState current, InboxEntry entry, CancellationToken cancellationToken)
    {
        string source = entry.Event.SourceRegion;
        if (!services.Regions.Contains(source))
        {
            LogUnknownRegion(repository.Value, source, entry.Sequence);
            return current;
        }

        IReadOnlyList<RegistryEvent> events;
        string? traceParent;
        try
        {
            (events, traceParent) = StoredEvent.Read(entry.Event.Payload);
        }
        catch (FormatException ex)
        {
            // The intake validated it; a stored event that no longer parses is logged, never allowed to block the rest.
            LogUnreadableEvent(repository.Value, entry.Sequence, LogText.Escape(ex.Message));
            return current;
        }

        int priority = services.Regions[source].Priority;
        foreach (RegistryEvent registryEvent in events.Where(e => e.NeedsReplication && e.Target.Repository == repository))
        {
            current = EventApplication.Apply(current, registryEvent, source, priority, entry.Event.ReceivedAt, services.Policy);
            if (registryEvent.Target.Tag is { } tag && current.Tags.TryGetValue(tag.Value, out TagRecord? decided) && decided.Desired.EventId == registryEvent.Id)
            {
                current = current with { Tags = current.Tags.SetItem(tag.Value, decided with { TraceParent = traceParent }) };
            }

            if (await services.Referrers.SubjectOfPushAsync(source, registryEvent, cancellationToken) is Digest subject)
            {
                current = RegionOutcomes.ReferrerArrived(current, subject);
            }
        }

        return current;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {Sequence} of `{Repository}` names region `{Region}`, which the topology no longer has; skipped")]
    private partial void LogUnknownRegion(string repository, string region, long sequence);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {Sequence} of `{Repository}` cannot be read: {Reason}")]
    private partial void LogUnreadableEvent(string repository, long sequence, string reason);
}
