using System.Text;

namespace GeoSync.Testing.Webhooks;

/// <summary>One request as the loopback receiver got it (recorded before it answers).</summary>
/// <param name="Endpoint">The path segment after <c>/hooks/</c>.</param>
/// <param name="Sequence">Order of arrival across all endpoints.</param>
/// <param name="ReceivedAtTimestamp">Stopwatch timestamp of arrival, for measuring gaps.</param>
public sealed record ReceivedWebhook(
    string Endpoint,
    long Sequence,
    long ReceivedAtTimestamp,
    string? WebhookId,
    string? WebhookTimestamp,
    string? WebhookSignature,
    string? TraceParent,
    string? ContentType,
    byte[] Body,
    int AnsweredStatus)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>How the body breaks the deploy webhook's JSON Schema; empty when it conforms.</summary>
    public IReadOnlyList<string> SchemaErrors => DeployWebhookSchema.Check(Body);

    /// <summary>True when the Standard Webhooks signature verifies with <paramref name="secret"/>.</summary>
    public bool VerifiesWith(string secret) =>
        StandardWebhookVerifier.Verify(WebhookId, WebhookTimestamp, Body, WebhookSignature, secret);
}

/// <summary>How the receiver answers one request.</summary>
/// <param name="StatusCode">The status to answer.</param>
/// <param name="RetryAfter">A <c>Retry-After</c> header value (seconds or an HTTP date), or null.</param>
/// <param name="Delay">Time to wait before answering.</param>
/// <param name="Hang">Never answer: wait until the client gives up (cancels or times out).</param>
/// <param name="Body">Response body, or null.</param>
public sealed record ReceiverResponse(int StatusCode, string? RetryAfter = null, TimeSpan Delay = default, bool Hang = false, string? Body = null)
{
    public static ReceiverResponse Ok { get; } = new(200);

    public static ReceiverResponse Status(int statusCode, string? body = null) => new(statusCode, Body: body);

    public static ReceiverResponse TooManyRequests(string retryAfter) => new(429, RetryAfter: retryAfter);

    public static ReceiverResponse Slow(TimeSpan delay, int statusCode = 200) => new(statusCode, Delay: delay);

    public static ReceiverResponse Hanging { get; } = new(0, Hang: true);
}
