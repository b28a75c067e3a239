using Azure.Core;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace GeoSync.Storage.Azure;

/// <summary>
/// Where an Azure Blob region store lives and how it transfers. Give either <see cref="ConnectionString"/> or
/// <see cref="ServiceUri"/> (with <see cref="SharedKey"/>, <see cref="TokenCredential"/>, or a SAS in the URI).
/// Server-side copies out of this store need a shared key (from the connection string or <see cref="SharedKey"/>)
/// to sign read SASes; a store without one is still a fine copy destination and a streamed source.
/// </summary>
public sealed class AzureBlobRegionStoreOptions
{
    private const int MiB = 1024 * 1024;

    /// <summary>The region this store belongs to (named in every error).</summary>
    public string Region { get; set; } = string.Empty;

    /// <summary>A storage connection string; a secret, never logged.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The blob service endpoint, e.g. <c>https://account.blob.core.windows.net</c>; instead of a connection string.</summary>
    public Uri? ServiceUri { get; set; }

    /// <summary>The account's shared key, with <see cref="ServiceUri"/>.</summary>
    public StorageSharedKeyCredential? SharedKey { get; set; }

    /// <summary>An Entra ID credential, with <see cref="ServiceUri"/>.</summary>
    public TokenCredential? TokenCredential { get; set; }

    /// <summary>The container holding the registry's storage.</summary>
    public string Container { get; set; } = "registry";

    /// <summary>A folder inside the container under which the layout starts (the registry's <c>rootdirectory</c>); empty for none.</summary>
    public string PathPrefix { get; set; } = string.Empty;

    /// <summary>Creates the container on first write when it is missing. Turn off for credentials scoped to the container.</summary>
    public bool CreateContainerIfMissing { get; set; } = true;

    /// <summary>The size of staged blocks on upload; each block in flight holds one pooled buffer of this size.</summary>
    public int BlockSize { get; set; } = 8 * MiB;

    /// <summary>Blocks staged concurrently per upload; memory per upload is (this + 1) × <see cref="BlockSize"/>.</summary>
    public int MaxConcurrentBlockUploads { get; set; } = 2;

    /// <summary>Server-side copies up to this size use one Copy Blob From URL call (the service allows 256 MiB).</summary>
    public long SyncCopyMaxBytes { get; set; } = 256L * MiB;

    /// <summary>The range each Put Block From URL copies in larger server-side copies (the service allows 4000 MiB).</summary>
    public long CopyBlockSize { get; set; } = 100L * MiB;

    /// <summary>Put Block From URL calls in flight per server-side copy.</summary>
    public int MaxConcurrentBlockCopies { get; set; } = 4;

    /// <summary>How long the read SAS that a destination uses to pull from this store stays valid.</summary>
    public TimeSpan CopySourceSasLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long to wait for a TCP connection before the attempt counts as failed.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one request may take: one staged block, or one server-side copy call, which the service answers only
    /// when it has moved up to <see cref="SyncCopyMaxBytes"/> (or <see cref="CopyBlockSize"/>) between regions.
    /// </summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>Retries of a failed request (transport errors, 408, 429, 5xx) before the store reports itself unavailable.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; later ones back off exponentially.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Adjusts the SDK's client options after GeoSync set them (extra pipeline policies, diagnostics).</summary>
    public Action<BlobClientOptions>? ConfigureClient { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first field that is missing or out of range.</summary>
    public void Validate()
    {
        Require(!string.IsNullOrWhiteSpace(Region), nameof(Region), "is required");
        Require(ConnectionString is null != (ServiceUri is null), nameof(ConnectionString),
            $"or {nameof(ServiceUri)} is required, not both");
        Require(SharedKey is null || TokenCredential is null, nameof(SharedKey),
            $"give {nameof(SharedKey)} or {nameof(TokenCredential)}, not both");
        Require(ConnectionString is null || (SharedKey is null && TokenCredential is null), nameof(SharedKey),
            $"credentials go with {nameof(ServiceUri)}; a connection string carries its own");
        Require(!string.IsNullOrWhiteSpace(Container), nameof(Container), "is required");
        Require(!PathPrefix.StartsWith('/') && !PathPrefix.Contains('\\', StringComparison.Ordinal), nameof(PathPrefix),
            "must be a relative path with forward slashes");
        Require(BlockSize is >= 1024 and <= 1024 * MiB, nameof(BlockSize), "must be between 1 KiB and 1 GiB (one pooled buffer each)");
        Require(MaxConcurrentBlockUploads is >= 1 and <= 64, nameof(MaxConcurrentBlockUploads), "must be between 1 and 64");
        Require(SyncCopyMaxBytes is >= 0 and <= 256L * MiB, nameof(SyncCopyMaxBytes), "must be between 0 and 256 MiB");
        Require(CopyBlockSize is >= 1024 and <= 4000L * MiB, nameof(CopyBlockSize), "must be between 1 KiB and 4000 MiB");
        Require(MaxConcurrentBlockCopies is >= 1 and <= 64, nameof(MaxConcurrentBlockCopies), "must be between 1 and 64");
        Require(CopySourceSasLifetime > TimeSpan.Zero, nameof(CopySourceSasLifetime), "must be positive");
        Require(ConnectTimeout > TimeSpan.Zero, nameof(ConnectTimeout), "must be positive");
        Require(NetworkTimeout > TimeSpan.Zero, nameof(NetworkTimeout), "must be positive");
        Require(MaxRetries >= 0, nameof(MaxRetries), "must not be negative");
        Require(RetryDelay >= TimeSpan.Zero, nameof(RetryDelay), "must not be negative");
    }

    private void Require(bool condition, string field, string reason)
    {
        if (!condition)
        {
            string region = string.IsNullOrWhiteSpace(Region) ? "?" : Region;
            throw new ArgumentException($"Azure region store '{region}': {field} {reason}", field);
        }
    }
}
