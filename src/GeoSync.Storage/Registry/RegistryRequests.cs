using System.Net;

namespace GeoSync.Storage.Registry;

/// <summary>What the registry handlers may do with a request.</summary>
internal static class RegistryRequests
{
    /// <summary>True when the request's body (if any) is held in memory and can be sent again.</summary>
    public static bool CanResend(HttpRequestMessage request) => request.Content is null or ByteArrayContent;

    /// <summary>True for requests that change nothing: a failed connection may be retried blindly.</summary>
    public static bool IsRead(HttpRequestMessage request) => request.Method == HttpMethod.Get || request.Method == HttpMethod.Head;

    /// <summary>The registry is throttling or briefly unable to serve: the request was not carried out.</summary>
    public static bool IsBusy(HttpStatusCode status) => status is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable;

    /// <summary>A gateway failed on the way; for a read, sending it again is harmless.</summary>
    public static bool IsGatewayFailure(HttpStatusCode status) => status is HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout;

    /// <summary>How long the registry asked to wait (<c>Retry-After</c> in seconds or as a date), or null.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };
}
