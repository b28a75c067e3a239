namespace GeoSync.Persistence.Sqlite;

/// <summary>
/// The pending inbox entries this process appended, per repository, until they are marked applied: a repository's
/// wake-up reads its new events from memory instead of querying the database. Entries enter on the writer thread
/// right after their COMMIT, in sequence order, so the cache holds every pending entry above its floor. A read from
/// below the floor (events accepted before this start, or while the cache overflowed) is not answered here. Another
/// process appending to the same file shows as a gap in the sequence; the cache then starts again above it.
/// </summary>
internal sealed class PendingEntryCache(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<InboxEntry>> _byRepository = new(StringComparer.Ordinal);
    private long _floor = long.MaxValue;
    private long _last;
    private int _count;

    /// <summary>Entries just committed, in sequence order.</summary>
    public void Committed(IReadOnlyList<InboxEntry> entries)
    {
        lock (_gate)
        {
            if (_floor == long.MaxValue)
            {
                // The first append of this process: everything before it was accepted by an earlier one.
                _floor = _last = entries[0].Sequence - 1;
            }

            if (entries[0].Sequence != _last + 1 || _count + entries.Count > capacity)
            {
                // Someone else's events in between, or a backlog this long: read from the database up to here.
                _byRepository.Clear();
                _count = 0;
                _floor = _last = entries[^1].Sequence;
                return;
            }

            _last = entries[^1].Sequence;
            foreach (InboxEntry entry in entries)
            {
                if (!_byRepository.TryGetValue(entry.Event.Repository, out List<InboxEntry>? pending))
                {
                    _byRepository[entry.Event.Repository] = pending = [];
                }

                pending.Add(entry);
            }

            _count += entries.Count;
        }
    }

    /// <summary>
    /// The repository's pending entries after <paramref name="afterSequence"/>, or null when they may not all be here;
    /// <paramref name="coveredUpTo"/> is the last sequence the cache knows of: the answer is whole only if no event
    /// was accepted after it (another process's appends show nowhere else until this one appends again).
    /// </summary>
    public IReadOnlyList<InboxEntry>? TryRead(string repository, long afterSequence, int limit, out long coveredUpTo)
    {
        lock (_gate)
        {
            coveredUpTo = _last;
            if (afterSequence < _floor)
            {
                return null;
            }

            if (!_byRepository.TryGetValue(repository, out List<InboxEntry>? pending))
            {
                return [];
            }

            var result = new List<InboxEntry>(Math.Min(limit, pending.Count));
            foreach (InboxEntry entry in pending)
            {
                if (entry.Sequence > afterSequence)
                {
                    result.Add(entry);
                    if (result.Count == limit)
                    {
                        break;
                    }
                }
            }

            return result;
        }
    }

    /// <summary>The repository's entries up to <paramref name="sequence"/> are applied and leave the cache.</summary>
    public void Applied(string repository, long sequence)
    {
        lock (_gate)
        {
            if (_byRepository.TryGetValue(repository, out List<InboxEntry>? pending))
            {
                _count -= pending.RemoveAll(e => e.Sequence <= sequence);
                if (pending.Count == 0)
                {
                    _byRepository.Remove(repository);
                }
            }
        }
    }
}
