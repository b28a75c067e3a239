using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;

namespace GeoSync.Storage.Registry;

/// <summary>A manifest as the registry describes it: its digest, size and media type.</summary>
internal sealed record RegistryManifest(Digest Digest, long Size, string MediaType);

/// <summary>
/// The OCI distribution API (spec 1.1) of one registry, call by call: blobs, uploads and mounts, manifests, tags and
/// the catalog. Every failure is a <see cref="RegionStoreException"/> naming the registry's status and error codes;
/// "absent" is an answer (null or false), not a failure. Authentication and retries are the HTTP pipeline's
/// (<see cref="RegistryAuthHandler"/>, <see cref="RegistryRetries"/>).
/// </summary>
internal sealed partial class RegistryClient(HttpClient http, string region, int pageSize)
{

    /// <summary>Every manifest media type, so the registry serves each as stored instead of converting or refusing it.</summary>
    private static readonly string[] ManifestAccept =
    [
        MediaTypes.OciManifest, MediaTypes.OciIndex, MediaTypes.DockerManifest, MediaTypes.DockerManifestList, MediaTypes.OciArtifactManifest,
    ];

    /// <summary>Checks that the registry answers the API and lets this client in (<c>GET /v2/</c>).</summary>
    public async Task CheckAccessAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Api(string.Empty));
        using HttpResponseMessage response = await SendAsync(request, "check access", null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The manifest's digest, size and media type, or null when the repository has no such manifest or tag.</summary>
    public async Task<RegistryManifest?> HeadManifestAsync(RepositoryName repository, string reference, CancellationToken cancellationToken)
    {
        using HttpRequestMessage request = ManifestRequest(HttpMethod.Head, repository, reference);
        using HttpResponseMessage response = await SendAsync(request, $"read manifest {repository}:{reference}", HttpStatusCode.NotFound, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (Header(response, "Docker-Content-Digest") is { } digestText && Digest.TryParse(digestText, out Digest digest))
        {
            return new RegistryManifest(digest, response.Content.Headers.ContentLength ?? 0, MediaTypes.WithoutParameters(response.Content.Headers.ContentType?.ToString()) ?? string.Empty);
        }

        // A registry that names no digest on HEAD: read the document and hash it.
        (byte[] bytes, string mediaType)? manifest = await GetManifestAsync(repository, reference, cancellationToken).ConfigureAwait(false);
        return manifest is { } m ? new RegistryManifest(Digest.Compute(m.bytes), m.bytes.LongLength, m.mediaType) : null;
    }

    /// <summary>The manifest's bytes and media type, or null when absent.</summary>
    public async Task<(byte[] Bytes, string MediaType)?> GetManifestAsync(RepositoryName repository, string reference, CancellationToken cancellationToken)
    {
        using HttpRequestMessage request = ManifestRequest(HttpMethod.Get, repository, reference);
        string operation = $"read manifest {repository}:{reference}";
        using HttpResponseMessage response = await SendAsync(request, operation, HttpStatusCode.NotFound, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        byte[] bytes = await Guard(operation, () => response.Content.ReadAsByteArrayAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        return (bytes, MediaTypes.WithoutParameters(response.Content.Headers.ContentType?.ToString()) ?? string.Empty);
    }

    /// <summary>Puts a manifest under a digest or a tag; the registry checks that everything it references is there.</summary>
    public async Task PutManifestAsync(RepositoryName repository, string reference, byte[] bytes, string mediaType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, Api($"{repository}/manifests/{reference}")) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using HttpResponseMessage response = await SendAsync(request, $"put manifest {repository}:{reference}", null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a manifest (by digest) or a tag; false when there was none.</summary>
    public async Task<bool> DeleteManifestAsync(RepositoryName repository, string reference, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, Api($"{repository}/manifests/{reference}"));
        using HttpResponseMessage response = await SendAsync(request, $"delete {repository}:{reference}", HttpStatusCode.NotFound, cancellationToken).ConfigureAwait(false);
        return response.StatusCode != HttpStatusCode.NotFound;
    }

    /// <summary>Every repository of the registry (<c>/v2/_catalog</c>, page by page).</summary>
    public IAsyncEnumerable<string> CatalogAsync(CancellationToken cancellationToken) =>
        PagesAsync(Api($"_catalog?n={pageSize}"), "repositories", "list repositories", cancellationToken);

    /// <summary>Every tag of a repository (<c>tags/list</c>, page by page); none when the repository does not exist.</summary>
    public IAsyncEnumerable<string> TagsAsync(RepositoryName repository, CancellationToken cancellationToken) =>
        PagesAsync(Api($"{repository}/tags/list?n={pageSize}"), "tags", $"list tags of {repository}", cancellationToken);

    private async IAsyncEnumerable<string> PagesAsync(Uri first, string property, string operation, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Uri? next = first;
        while (next is not null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, next);
            using HttpResponseMessage response = await SendAsync(request, operation, HttpStatusCode.NotFound, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                yield break;
            }

            byte[] body = await Guard(operation, () => response.Content.ReadAsByteArrayAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
            List<string> page = ReadNames(body, property);
            foreach (string name in page)
            {
                yield return name;
            }

            next = page.Count == 0 ? null : NextPage(response);
        }
    }

    private static List<string> ReadNames(byte[] body, string property)
    {
        using JsonDocument document = JsonDocument.Parse(body);
        return document.RootElement.TryGetProperty(property, out JsonElement names) && names.ValueKind == JsonValueKind.Array
            ? [.. names.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()!)]
            : [];
    }

    /// <summary>The <c>Link: &lt;/v2/...&gt;; rel="next"</c> page, resolved against the endpoint.</summary>
    private Uri? NextPage(HttpResponseMessage response)
    {
        if (Header(response, "Link") is not { } link)
        {
            return null;
        }

        int open = link.IndexOf('<', StringComparison.Ordinal);
        int close = link.IndexOf('>', StringComparison.Ordinal);
        return open >= 0 && close > open && link.Contains("rel=\"next\"", StringComparison.Ordinal)
            ? new Uri(http.BaseAddress!, link[(open + 1)..close])
            : null;
    }

    private HttpRequestMessage ManifestRequest(HttpMethod method, RepositoryName repository, string reference)
    {
        var request = new HttpRequestMessage(method, Api($"{repository}/manifests/{reference}"));
        foreach (string mediaType in ManifestAccept)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        }

        return request;
    }

    private Uri Api(string path) => new(http.BaseAddress!, "v2/" + path);

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out IEnumerable<string>? values) ? values.FirstOrDefault() : null;

    /// <summary>
    /// Sends a request; a status other than success (or <paramref name="allowed"/>) becomes the typed failure, and so
    /// does a broken connection or a timeout.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request, string operation, HttpStatusCode? allowed, CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        HttpResponseMessage response = await Guard(operation, () => http.SendAsync(request, completion, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode || response.StatusCode == allowed)
        {
            return response;
        }

        using (response)
        {
            throw await RegistryFailures.FromResponseAsync(region, operation, response, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<T> Guard<T>(string operation, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (RegistryFailures.FromException(region, operation, e, cancellationToken) is { } failure)
        {
            throw failure;
        }
    }
}
