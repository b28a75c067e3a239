using Azure;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Storage.Layout;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace GeoSync.Storage.Azure;

/// <summary>
/// A region store in an Azure Blob Storage container, in the CNCF distribution registry's storage layout: every
/// <see cref="DistributionLayout"/> path is a blob name, under <see cref="AzureBlobRegionStoreOptions.PathPrefix"/>.
/// <para>
/// Blob writes stage blocks while hashing and commit the block list only once the digest and size are verified, so
/// a blob is never visible unverified; a mismatch commits nothing (staged blocks are invisible and the service
/// discards them). A restarted write skips blocks it staged before. Between two Azure stores, blobs are copied by the
/// service from a read SAS on the source (<see cref="CopyBlobServerSideAsync"/>). Every SDK failure becomes a
/// <see cref="RegionStoreException"/> (see <see cref="AzureFailures"/>).
/// </para>
/// </summary>
public sealed partial class AzureBlobRegionStore : IRegionStore
{
    /// <summary>The driver kind reported by <see cref="Kind"/>.</summary>
    public const string DriverKind = "azure";

    // Links and blobs alike: the registry serves blobs with the media type from the manifest, not this.
    private const string OctetStream = "application/octet-stream";

    private readonly AzureBlobRegionStoreOptions _options;
    private readonly string _prefix;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private volatile bool _containerReady;

    /// <summary>Creates a store; nothing is contacted until the first operation.</summary>
    public AzureBlobRegionStore(AzureBlobRegionStoreOptions options, TimeProvider? timeProvider = null, ILogger<AzureBlobRegionStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _prefix = options.PathPrefix.Trim('/') is { Length: > 0 } prefix ? prefix + "/" : string.Empty;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<AzureBlobRegionStore>.Instance;
        Container = CreateServiceClient(options).GetBlobContainerClient(options.Container);
    }

    /// <inheritdoc />
    public string Region => _options.Region;

    /// <inheritdoc />
    /// <remarks>Every operation is an HTTP round trip; the client's connection pool carries this many at once.</remarks>
    public StoreCapacity Capacity { get; } = new(32, "round trips to the storage account");

    /// <inheritdoc />
    public string Kind => DriverKind;

    /// <summary>The container holding the store.</summary>
    public BlobContainerClient Container { get; }

    /// <summary>The blob name of a layout path (<see cref="DistributionLayout"/>), with the store's prefix.</summary>
    public string BlobName(string layoutPath) => _prefix + layoutPath;

    /// <inheritdoc />
    public async Task<long?> StatBlobAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        BlobProperties? properties = await GetPropertiesAsync(DistributionLayout.BlobData(digest), $"stat blob {digest.Short}", cancellationToken)
            .ConfigureAwait(false);
        return properties?.ContentLength;
    }

    /// <inheritdoc />
    public async Task<Stream> OpenBlobAsync(Digest digest, CancellationToken cancellationToken = default)
    {
        string operation = $"open blob {digest.Short}";
        BlobClient blob = BlobFor(DistributionLayout.BlobData(digest));
        try
        {
            Response<BlobDownloadStreamingResult> response = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            // The SDK's stream resumes a broken download itself; what it still throws is translated as it surfaces.
            return new RegionStoreReadStream(response.Value.Content, Region, operation);
        }
        catch (Exception e) when (AzureFailures.HasStatus(e, 404))
        {
            throw new RegionStoreException(Region, operation, RegionStoreFailure.NotFound, $"the store holds no blob {digest}", e);
        }
        catch (Exception e) when (AzureFailures.IsStoreFailure(e, cancellationToken))
        {
            throw AzureFailures.Translate(Region, operation, e);
        }
    }

    /// <inheritdoc />
    public Task LinkLayerAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) =>
        WriteLinkAsync(DistributionLayout.LayerLink(repository, digest), digest, $"link layer {digest.Short} into {repository}", cancellationToken);

    /// <inheritdoc />
    public Task<bool> HasLayerLinkAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) =>
        ExistsAsync(DistributionLayout.LayerLink(repository, digest), $"check layer link {digest.Short} in {repository}", cancellationToken);

    /// <inheritdoc />
    public Task LinkManifestAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) =>
        WriteLinkAsync(DistributionLayout.ManifestRevisionLink(repository, digest), digest, $"link manifest {digest.Short} into {repository}", cancellationToken);

    /// <inheritdoc />
    public Task<bool> HasManifestLinkAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) =>
        ExistsAsync(DistributionLayout.ManifestRevisionLink(repository, digest), $"check manifest link {digest.Short} in {repository}", cancellationToken);

    /// <inheritdoc />
    public async Task<Digest?> ReadTagAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken = default)
    {
        string operation = $"read tag {repository}:{tag}";
        BlobClient blob = BlobFor(DistributionLayout.TagCurrentLink(repository, tag));
        BinaryData content;
        try
        {
            content = (await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
        }
        catch (Exception e) when (AzureFailures.HasStatus(e, 404))
        {
            return null;
        }
        catch (Exception e) when (AzureFailures.IsStoreFailure(e, cancellationToken))
        {
            throw AzureFailures.Translate(Region, operation, e);
        }

        string text = content.ToString();
        if (DistributionLayout.IsPartialLink(text))
        {
            throw new RegionStoreException(Region, operation, RegionStoreFailure.Unavailable, "the tag's link is being written");
        }

        return Digest.TryParse(text, out Digest digest, out string? error)
            ? digest
            : throw new RegionStoreException(Region, operation, RegionStoreFailure.Failed, $"the tag's link is not a digest: {error}");
    }

    /// <inheritdoc />
    public async Task SetTagAsync(RepositoryName repository, Tag tag, Digest digest, CancellationToken cancellationToken = default)
    {
        string operation = $"set tag {repository}:{tag} to {digest.Short}";
        // History entry first, current link last: a reader that sees the tag also sees its history.
        await WriteLinkAsync(DistributionLayout.TagIndexLink(repository, tag, digest), digest, operation, cancellationToken).ConfigureAwait(false);
        await WriteLinkAsync(DistributionLayout.TagCurrentLink(repository, tag), digest, operation, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task DeleteTagAsync(RepositoryName repository, Tag tag, CancellationToken cancellationToken = default)
    {
        string operation = $"delete tag {repository}:{tag}";
        // The current link first, so the tag disappears at once, then everything else under the tag's folder.
        await DeleteIfExistsAsync(DistributionLayout.TagCurrentLink(repository, tag), operation, cancellationToken).ConfigureAwait(false);
        await foreach (string name in ListBlobNamesAsync(DistributionLayout.Tag(repository, tag) + "/", operation, cancellationToken).ConfigureAwait(false))
        {
            await DeleteIfExistsAsync(name, operation, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task DeleteManifestLinkAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken = default) =>
        DeleteIfExistsAsync(DistributionLayout.ManifestRevisionLink(repository, digest), $"delete manifest link {digest.Short} in {repository}", cancellationToken);

    private BlobClient BlobFor(string layoutPath) => Container.GetBlobClient(BlobName(layoutPath));

    private BlockBlobClient BlockBlobFor(string layoutPath) => Container.GetBlockBlobClient(BlobName(layoutPath));

    /// <summary>Runs one SDK call, translating store failures.</summary>
    private async Task<T> CallAsync<T>(string operation, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AzureFailures.IsStoreFailure(e, cancellationToken))
        {
            throw AzureFailures.Translate(Region, operation, e);
        }
    }

    private Task<BlobProperties?> GetPropertiesAsync(string layoutPath, string operation, CancellationToken cancellationToken) =>
        GetPropertiesAsync(BlobFor(layoutPath), operation, cancellationToken);

    private async Task<BlobProperties?> GetPropertiesAsync(BlobBaseClient blob, string operation, CancellationToken cancellationToken)
    {
        try
        {
            return (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (Exception e) when (AzureFailures.HasStatus(e, 404))
        {
            return null; // No blob, or no container yet.
        }
        catch (Exception e) when (AzureFailures.IsStoreFailure(e, cancellationToken))
        {
            throw AzureFailures.Translate(Region, operation, e);
        }
    }

    private async Task<bool> ExistsAsync(string layoutPath, string operation, CancellationToken cancellationToken) =>
        await GetPropertiesAsync(layoutPath, operation, cancellationToken).ConfigureAwait(false) is not null;

    private async Task WriteLinkAsync(string layoutPath, Digest digest, string operation, CancellationToken cancellationToken)
    {
        await EnsureContainerAsync(operation, cancellationToken).ConfigureAwait(false);
        BlobClient blob = BlobFor(layoutPath);
        var options = new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = OctetStream } };
        // One Put Blob: the link appears whole or not at all.
        await CallAsync(operation, c => blob.UploadAsync(BinaryData.FromString(DistributionLayout.LinkContent(digest)), options, c), cancellationToken)
            .ConfigureAwait(false);
    }

    private Task DeleteIfExistsAsync(string layoutPath, string operation, CancellationToken cancellationToken) =>
        DeleteIfExistsAsync(BlobFor(layoutPath), operation, cancellationToken);

    private async Task DeleteIfExistsAsync(BlobBaseClient blob, string operation, CancellationToken cancellationToken)
    {
        try
        {
            await blob.DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AzureFailures.HasStatus(e, 404))
        {
            // The container does not exist, so neither does the link.
        }
        catch (Exception e) when (AzureFailures.IsStoreFailure(e, cancellationToken))
        {
            throw AzureFailures.Translate(Region, operation, e);
        }
    }

    private async Task EnsureContainerAsync(string operation, CancellationToken cancellationToken)
    {
        if (_containerReady || !_options.CreateContainerIfMissing)
        {
            return;
        }

        // Idempotent: concurrent first writers may both ask.
        await CallAsync(operation, c => Container.CreateIfNotExistsAsync(cancellationToken: c), cancellationToken).ConfigureAwait(false);
        _containerReady = true;
    }

    private static BlobServiceClient CreateServiceClient(AzureBlobRegionStoreOptions options)
    {
        var clientOptions = new BlobClientOptions
        {
            Retry =
            {
                Mode = global::Azure.Core.RetryMode.Exponential,
                MaxRetries = options.MaxRetries,
                Delay = options.RetryDelay,
                MaxDelay = TimeSpan.FromSeconds(30),
                NetworkTimeout = options.NetworkTimeout,
            },
            // A bounded connect timeout: an unreachable endpoint fails each attempt quickly instead of hanging.
            Transport = new HttpClientTransport(new SocketsHttpHandler
            {
                ConnectTimeout = options.ConnectTimeout,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            }),
        };
        options.ConfigureClient?.Invoke(clientOptions);

        if (options.ConnectionString is { } connectionString)
        {
            return new BlobServiceClient(connectionString, clientOptions);
        }

        Uri uri = options.ServiceUri!;
        return options.SharedKey is { } key ? new BlobServiceClient(uri, key, clientOptions)
            : options.TokenCredential is { } token ? new BlobServiceClient(uri, token, clientOptions)
            : new BlobServiceClient(uri, clientOptions);
    }
}
