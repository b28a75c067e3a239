namespace GeoSync.Domain.Replication;

/// <summary>Where a (repository, tag) stands in one region.</summary>
public enum ReplicationState
{
    /// <summary>Desired but not yet started (or waiting for a gate such as a required referrer).</summary>
    Pending,

    /// <summary>Content is being copied.</summary>
    Copying,

    /// <summary>Every manifest and blob of the image graph is present and verified, and the tag points at it.</summary>
    Synced,

    /// <summary>The last attempt failed; a retry is scheduled.</summary>
    Failed,

    /// <summary>The tag was deleted and the delete replicated.</summary>
    Deleted,

    /// <summary>
    /// Given up: the content was missing at its source for longer than the abandon bound, so it is not tried again
    /// until an operator retries (or drops) it. Not settled, and no work left either.
    /// </summary>
    Abandoned,
}
