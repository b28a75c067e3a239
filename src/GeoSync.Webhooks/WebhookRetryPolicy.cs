using System.Net;
using System.Net.Http.Headers;

namespace GeoSync.Webhooks;

/// <summary>Whether an attempt's outcome ends the delivery or calls for another attempt.</summary>
public enum WebhookAttemptKind
{
    /// <summary>2xx: the receiver has it.</summary>
    Delivered,

    /// <summary>Network error, timeout, 408, 429 or 5xx: try again later.</summary>
    Retry,

    /// <summary>Any other status (the receiver rejects this message): do not retry.</summary>
    Final,
}

/// <summary>
/// The retry rules of deploy webhooks: which responses are retried, exponential backoff with jitter, and the
/// receiver's <c>Retry-After</c>.
/// </summary>
public static class WebhookRetryPolicy
{
    /// <summary>What a response status means for the delivery.</summary>
    public static WebhookAttemptKind Classify(HttpStatusCode status) => (int)status switch
    {
        >= 200 and < 300 => WebhookAttemptKind.Delivered,
        408 or 429 or >= 500 => WebhookAttemptKind.Retry,
        _ => WebhookAttemptKind.Final,
    };

    /// <summary>
    /// Delay after failed attempt number <paramref name="attempt"/> (1-based): <c>baseDelay · 2^(attempt-1)</c>, capped
    /// at <paramref name="maxDelay"/>, then jittered into its upper half so that many deliveries failing together do
    /// not retry together. A receiver's <paramref name="retryAfter"/> is a floor (capped at <paramref name="maxDelay"/>).
    /// </summary>
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, Random random, TimeSpan? retryAfter = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        double exponential = baseDelay.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        double capped = Math.Min(exponential, maxDelay.TotalMilliseconds);
        var delay = TimeSpan.FromMilliseconds((capped / 2) + (random.NextDouble() * capped / 2));
        if (retryAfter is { } floor && floor > delay)
        {
            delay = floor < maxDelay ? floor : maxDelay;
        }

        return delay;
    }

    /// <summary>The response's <c>Retry-After</c> (seconds or an HTTP date) as a delay from <paramref name="now"/>; null when absent.</summary>
    public static TimeSpan? RetryAfter(HttpResponseHeaders headers, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(headers);
        RetryConditionHeaderValue? value = headers.RetryAfter;
        if (value?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (value?.Date is { } date)
        {
            TimeSpan until = date - now;
            return until < TimeSpan.Zero ? TimeSpan.Zero : until;
        }

        return null;
    }
}
