using System.Net;
using System.Net.Http.Headers;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;

namespace GeoSync.Storage.Registry;

/// <summary>Where a blob upload stands: the session's URL, which each answer may move.</summary>
internal readonly record struct UploadSession(Uri Location);

internal sealed partial class RegistryClient
{
    /// <summary>The blob's size when the repository serves it, otherwise null.</summary>
    public async Task<long?> HeadBlobAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, Api($"{repository}/blobs/{digest}"));
        using HttpResponseMessage response = await SendAsync(request, $"stat blob {repository}@{digest.Short}", HttpStatusCode.NotFound, cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.NotFound ? null : response.Content.Headers.ContentLength ?? 0;
    }

    /// <summary>
    /// The blob's bytes from <paramref name="offset"/> on (a ranged GET resumes a broken read), or null when the
    /// repository does not serve it. The caller disposes the response.
    /// </summary>
    public async Task<HttpResponseMessage?> GetBlobAsync(RepositoryName repository, Digest digest, long offset, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Api($"{repository}/blobs/{digest}"));
        if (offset > 0)
        {
            request.Headers.Range = new RangeHeaderValue(offset, null);
        }

        string operation = $"read blob {repository}@{digest.Short}";
        HttpResponseMessage response = await SendAsync(request, operation, HttpStatusCode.NotFound, cancellationToken, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            response.Dispose();
            return null;
        }

        if (offset > 0 && response.StatusCode != HttpStatusCode.PartialContent)
        {
            response.Dispose();
            throw new RegionStoreException(region, operation, RegionStoreFailure.Failed, $"registry ignored the range from byte {offset} (answered {(int)response.StatusCode})");
        }

        return response;
    }

    /// <summary>Opens an upload session in <paramref name="repository"/>.</summary>
    public async Task<UploadSession> StartUploadAsync(RepositoryName repository, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Api($"{repository}/blobs/uploads/"));
        using HttpResponseMessage response = await SendAsync(request, $"start upload into {repository}", null, cancellationToken).ConfigureAwait(false);
        return new UploadSession(Location(response, $"start upload into {repository}"));
    }

    /// <summary>
    /// Asks the registry to mount <paramref name="digest"/> from <paramref name="from"/> into <paramref name="repository"/>:
    /// null when it did (201), else the upload session it opened instead (202), for the caller to upload into.
    /// </summary>
    public async Task<UploadSession?> MountBlobAsync(RepositoryName repository, Digest digest, RepositoryName from, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(
            HttpMethod.Post, Api($"{repository}/blobs/uploads/?mount={Uri.EscapeDataString(digest.ToString())}&from={Uri.EscapeDataString(from.ToString())}"));
        string operation = $"mount blob {digest.Short} from {from} into {repository}";
        using HttpResponseMessage response = await SendAsync(request, operation, null, cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.Created ? null : new UploadSession(Location(response, operation));
    }

    /// <summary>Appends one chunk at <paramref name="offset"/> (PATCH with <c>Content-Range</c>); returns the moved session.</summary>
    public async Task<UploadSession> AppendChunkAsync(UploadSession session, ArraySegment<byte> chunk, long offset, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, session.Location) { Content = Bytes(chunk) };
        request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + chunk.Count - 1}");
        string operation = $"upload chunk at {offset}";
        using HttpResponseMessage response = await SendAsync(request, operation, null, cancellationToken).ConfigureAwait(false);
        return new UploadSession(Location(response, operation));
    }

    /// <summary>Closes the session with its last bytes (all of them for a monolithic upload); the registry verifies the digest.</summary>
    public async Task CompleteUploadAsync(UploadSession session, Digest digest, ArraySegment<byte> lastChunk, CancellationToken cancellationToken)
    {
        string separator = session.Location.Query.Length > 0 ? "&" : "?";
        var uri = new Uri(session.Location + separator + "digest=" + Uri.EscapeDataString(digest.ToString()));
        using var request = new HttpRequestMessage(HttpMethod.Put, uri) { Content = Bytes(lastChunk) };
        using HttpResponseMessage response = await SendAsync(request, $"complete upload of {digest.Short}", null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Abandons a session (best effort: the registry purges stale sessions anyway).</summary>
    public async Task CancelUploadAsync(UploadSession session)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Delete, session.Location);
            using HttpResponseMessage response = await http.SendAsync(request, CancellationToken.None).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
            // Nothing was committed; an unreachable registry forgets the session on its own.
        }
    }

    private static ByteArrayContent Bytes(ArraySegment<byte> bytes)
    {
        var content = new ByteArrayContent(bytes.Array ?? [], bytes.Offset, bytes.Count);
        content.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OctetStream);
        return content;
    }

    private Uri Location(HttpResponseMessage response, string operation) =>
        response.Headers.Location is { } location
            ? location.IsAbsoluteUri ? location : new Uri(http.BaseAddress!, location)
            : throw new RegionStoreException(region, operation, RegionStoreFailure.Failed, $"registry answered {(int)response.StatusCode} without a Location");
}
