namespace GeoSync.Storage;

/// <summary>Why a region-store operation failed; callers decide on retry and reporting from it.</summary>
public enum RegionStoreFailure
{
    /// <summary>The blob, link or tag does not exist.</summary>
    NotFound,

    /// <summary>The bytes did not hash to the expected digest, or their size was wrong. Not retryable with the same source.</summary>
    DigestMismatch,

    /// <summary>The store could not be reached or answered with a transient error (timeout, 5xx, throttling).</summary>
    Unavailable,

    /// <summary>The store refused the credentials or the operation.</summary>
    Denied,

    /// <summary>Any other failure the store reported.</summary>
    Failed,
}

/// <summary>
/// A failed region-store operation: which region, which operation, why, and whether retrying may succeed.
/// </summary>
public sealed class RegionStoreException : Exception
{
    public RegionStoreException(string region, string operation, RegionStoreFailure failure, string message, Exception? innerException = null)
        : base($"region '{region}': {operation} failed ({failure}): {message}", innerException)
    {
        Region = region;
        Operation = operation;
        Failure = failure;
    }

    /// <summary>The region whose store failed.</summary>
    public string Region { get; }

    /// <summary>The operation, e.g. <c>write blob sha256:0123456789ab</c>.</summary>
    public string Operation { get; }

    /// <summary>Why it failed.</summary>
    public RegionStoreFailure Failure { get; }

    /// <summary>True when the same operation may succeed later.</summary>
    public bool IsRetryable => Failure is RegionStoreFailure.Unavailable;
}
