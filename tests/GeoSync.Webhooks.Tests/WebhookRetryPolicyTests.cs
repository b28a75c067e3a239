using System.Net;
using System.Net.Http.Headers;
using GeoSync.Webhooks;

namespace GeoSync.Webhooks.Tests;

public sealed class WebhookRetryPolicyTests
{
    public static TheoryData<int, WebhookAttemptKind> Statuses => new()
    {
        { 200, WebhookAttemptKind.Delivered },
        { 202, WebhookAttemptKind.Delivered },
        { 299, WebhookAttemptKind.Delivered },
        { 302, WebhookAttemptKind.Final },
        { 400, WebhookAttemptKind.Final },
        { 401, WebhookAttemptKind.Final },
        { 403, WebhookAttemptKind.Final },
        { 404, WebhookAttemptKind.Final },
        { 408, WebhookAttemptKind.Retry },
        { 409, WebhookAttemptKind.Final },
        { 429, WebhookAttemptKind.Retry },
        { 500, WebhookAttemptKind.Retry },
        { 502, WebhookAttemptKind.Retry },
        { 504, WebhookAttemptKind.Retry },
    };

    [Theory]
    [MemberData(nameof(Statuses))]
    public void Classify_Status_Kind(int status, WebhookAttemptKind expected) =>
        Assert.Equal(expected, WebhookRetryPolicy.Classify((HttpStatusCode)status));

    public static TheoryData<int, double, double> Delays => new()
    {
        // attempt, lowest and highest delay in ms for base 100 ms and max 1000 ms (jitter keeps the upper half)
        { 1, 50, 100 },
        { 2, 100, 200 },
        { 3, 200, 400 },
        { 4, 400, 800 },
        { 5, 500, 1000 },
        { 20, 500, 1000 },
    };

    [Theory]
    [MemberData(nameof(Delays))]
    public void Delay_Attempt_ExponentialCappedWithJitter(int attempt, double lowestMs, double highestMs)
    {
        var random = new Random(attempt);
        double[] delays = [.. Enumerable.Range(0, 200).Select(_ =>
            WebhookRetryPolicy.Delay(attempt, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), random).TotalMilliseconds)];

        Assert.All(delays, d => Assert.InRange(d, lowestMs, highestMs));
        Assert.True(delays.Distinct().Count() > 100, "delays are jittered");
    }

    [Fact]
    public void Delay_RetryAfterLongerThanBackoff_IsTheFloorButCapped()
    {
        var random = new Random(1);

        TimeSpan honoured = WebhookRetryPolicy.Delay(1, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1), random, TimeSpan.FromSeconds(7));
        TimeSpan capped = WebhookRetryPolicy.Delay(1, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(1), random, TimeSpan.FromHours(2));
        TimeSpan shorter = WebhookRetryPolicy.Delay(4, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), random, TimeSpan.FromMilliseconds(1));

        Assert.Equal(TimeSpan.FromSeconds(7), honoured);
        Assert.Equal(TimeSpan.FromMinutes(1), capped);
        Assert.True(shorter >= TimeSpan.FromSeconds(4), "a Retry-After shorter than the backoff does not shorten it");
    }

    [Fact]
    public void RetryAfter_SecondsOrHttpDateOrAbsent_DelayFromNow()
    {
        var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        using var seconds = new HttpResponseMessage();
        seconds.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(120));
        using var date = new HttpResponseMessage();
        date.Headers.TryAddWithoutValidation("Retry-After", "Sun, 01 Mar 2026 12:00:30 GMT");
        using var past = new HttpResponseMessage();
        past.Headers.TryAddWithoutValidation("Retry-After", "Sun, 01 Mar 2026 11:00:00 GMT");
        using var none = new HttpResponseMessage();

        Assert.Equal(TimeSpan.FromSeconds(120), WebhookRetryPolicy.RetryAfter(seconds.Headers, now));
        Assert.Equal(TimeSpan.FromSeconds(30), WebhookRetryPolicy.RetryAfter(date.Headers, now));
        Assert.Equal(TimeSpan.Zero, WebhookRetryPolicy.RetryAfter(past.Headers, now));
        Assert.Null(WebhookRetryPolicy.RetryAfter(none.Headers, now));
    }
}
