using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using GeoSync.Domain.Topology;
using GeoSync.Persistence.Webhooks;
using Microsoft.Extensions.Options;

namespace GeoSync.Webhooks;

/// <summary>The outcome of one attempt. <see cref="Error"/> never holds a secret.</summary>
public sealed record WebhookSendResult(WebhookAttemptKind Kind, int? StatusCode, string? Error, TimeSpan? RetryAfter, TimeSpan Duration);

/// <summary>
/// Sends one attempt of a delivery: resolves the endpoint's secrets, signs the stored body the Standard Webhooks
/// way, posts it with the endpoint's timeout, and classifies the answer. Throws only
/// <see cref="OperationCanceledException"/> when <c>cancellationToken</c> (shutdown) is cancelled: whether the
/// receiver got the request is then unknown, and the delivery is left to be sent again.
/// </summary>
public sealed class WebhookSender(
    IHttpClientFactory httpClientFactory,
    SecretResolver secrets,
    TimeProvider time,
    IOptions<WebhookOptions> options)
{
    public async Task<WebhookSendResult> SendAsync(WebhookDelivery delivery, Webhook endpoint, string? traceParent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(endpoint);
        long started = time.GetTimestamp();
        var values = new List<string>(endpoint.Secrets.Count);
        try
        {
            // Resolved at every attempt: a rotated secret applies to deliveries already queued.
            foreach (SecretReference reference in endpoint.Secrets)
            {
                values.Add(await secrets.ResolveAsync(reference, cancellationToken).ConfigureAwait(false));
            }

            byte[] body = Encoding.UTF8.GetBytes(delivery.Payload);
            using HttpRequestMessage request = BuildRequest(delivery, endpoint, body, values, traceParent);
            using var deadline = new CancellationTokenSource(endpoint.Timeout, time);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
            HttpClient client = httpClientFactory.CreateClient(WebhookOptions.HttpClientName);
            using HttpResponseMessage response = await client
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            WebhookAttemptKind kind = WebhookRetryPolicy.Classify(response.StatusCode);
            string? error = kind == WebhookAttemptKind.Delivered
                ? null
                : Redact($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}{await ExcerptAsync(response, timeout.Token).ConfigureAwait(false)}", values);
            return new WebhookSendResult(kind, (int)response.StatusCode, error,
                WebhookRetryPolicy.RetryAfter(response.Headers, time.GetUtcNow()), time.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            return Retry($"timed out after {endpoint.Timeout.TotalSeconds:0.###} s", started);
        }
        catch (HttpRequestException e)
        {
            // The message names the failure (connection refused, name not resolved) and the host, not the path or query.
            return Retry(Redact($"network error: {e.HttpRequestError}: {e.Message}", values), started);
        }
        catch (SecretResolutionException e)
        {
            return Retry(e.Message, started);
        }
        catch (FormatException e)
        {
            // A malformed whsec_ value: the message says so without the value.
            return Retry(Redact(e.Message, values), started);
        }
    }

    private HttpRequestMessage BuildRequest(WebhookDelivery delivery, Webhook endpoint, byte[] body, List<string> secrets, string? traceParent)
    {
        // The attempt's own time (Standard Webhooks receivers reject stale timestamps), not the event's.
        long timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(WebhookEventTypes.CloudEventsJson) { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation("webhook-id", delivery.WebhookId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (secrets.Count > 0)
        {
            // An endpoint without secrets gets unsigned deliveries; whether that is allowed is the topology's call.
            request.Headers.TryAddWithoutValidation("webhook-signature",
                WebhookSignature.Sign(delivery.WebhookId, timestamp, body, [.. secrets.Select(WebhookSignature.KeyOf)]));
        }
        if (traceParent is not null)
        {
            request.Headers.TryAddWithoutValidation("traceparent", traceParent);
        }

        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("GeoSync-Webhooks", "1.0"));
        return request;
    }

    private async Task<string> ExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        int length = options.Value.ResponseExcerptLength;
        if (length == 0)
        {
            return string.Empty;
        }

        try
        {
            // Read only what is kept: a misbehaving receiver may answer with a huge body.
            await using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            char[] buffer = new char[length];
            using var reader = new StreamReader(stream, Encoding.UTF8);
            int read = await reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            string text = new string(buffer, 0, read).ReplaceLineEndings(" ").Trim();
            return text.Length == 0 ? string.Empty : $": {text}";
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            // The status is what matters; a body that does not arrive in time is left out.
            return string.Empty;
        }
    }

    private WebhookSendResult Retry(string error, long started) =>
        new(WebhookAttemptKind.Retry, null, error, null, time.GetElapsedTime(started));

    /// <summary>Removes secret values from text that came from outside (exception messages, response bodies).</summary>
    private static string Redact(string text, List<string> secrets)
    {
        foreach (string secret in secrets)
        {
            if (secret.Length > 0)
            {
                text = text.Replace(secret, "***", StringComparison.Ordinal);
            }
        }

        return text;
    }
}
