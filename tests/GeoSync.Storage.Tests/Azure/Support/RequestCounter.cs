using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace GeoSync.Storage.Tests.Azure.Support;

/// <summary>
/// A pipeline policy that records every request a store's SDK client sends (each retry counted), so tests can prove
/// what crossed the wire: request body bytes uploaded, blob bytes downloaded, and which REST operations ran.
/// </summary>
public sealed class RequestCounter : HttpPipelinePolicy
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();

    /// <summary>Every request so far, in completion order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>Bytes sent as request bodies carrying blob content (Put Block, Put Blob); block lists are not content.</summary>
    public long UploadedContentBytes => Requests.Where(r => r.Comp != "blocklist").Sum(r => r.RequestBodyBytes);

    /// <summary>Blob bytes received by downloads (GET without a <c>comp</c> query).</summary>
    public long DownloadedContentBytes => Requests.Where(r => r.Method == "GET" && r.Comp is null).Sum(r => r.ResponseContentLength);

    /// <summary>Put Block requests that carried their bytes in the body.</summary>
    public int StageBlockRequests => Requests.Count(r => r.Comp == "block" && !r.HasCopySource);

    /// <summary>Put Block From URL requests (the service pulls the bytes).</summary>
    public int StageBlockFromUrlRequests => Requests.Count(r => r.Comp == "block" && r.HasCopySource);

    /// <summary>Copy Blob From URL requests (synchronous, whole blob).</summary>
    public int CopyFromUrlRequests => Requests.Count(r => r.Comp is null && r.Method == "PUT" && r.HasCopySource);

    /// <summary>Forgets what was recorded.</summary>
    public void Reset() => _requests.Clear();

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ProcessNext(message, pipeline);
        Record(message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        finally
        {
            Record(message);
        }
    }

    private void Record(HttpMessage message)
    {
        global::Azure.Core.Request request = message.Request;
        long body = request.Content is { } content && content.TryComputeLength(out long length) ? length : 0;
        string? comp = System.Web.HttpUtility.ParseQueryString(request.Uri.Query ?? string.Empty)["comp"];
        long responseLength = message.HasResponse && message.Response.Headers.ContentLengthLong is long l ? l : 0;
        _requests.Enqueue(new RecordedRequest(
            request.Method.Method, request.Uri.Path, comp, request.Headers.Contains("x-ms-copy-source"), body,
            message.HasResponse ? message.Response.Status : 0, responseLength));
    }
}

/// <summary>One request as the SDK sent it.</summary>
public sealed record RecordedRequest(
    string Method, string Path, string? Comp, bool HasCopySource, long RequestBodyBytes, int Status, long ResponseContentLength);
