using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using GeoSync.Domain.Events;

namespace GeoSync.Benchmarks.Engine;

/// <summary>One registry notification posted to <c>/v1/events</c> as a region's registry sends it, timed.</summary>
public static class EventPost
{
    /// <summary>
    /// Posts <paramref name="envelope"/> with the region's bearer <paramref name="token"/>. A 202 adds its latency in
    /// milliseconds to <paramref name="latencies"/>; another answer returns its status and body (the caller counts it).
    /// </summary>
    public static async Task<string?> SendAsync(HttpClient http, string token, string envelope, List<double> latencies, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/events") { Content = new StringContent(envelope, Encoding.UTF8) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(NotificationEnvelope.MediaTypeV1);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        long started = Stopwatch.GetTimestamp();
        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return null;
        }

        return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}";
    }
}
