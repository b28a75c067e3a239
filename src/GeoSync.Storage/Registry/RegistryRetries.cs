using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace GeoSync.Storage.Registry;

/// <summary>
/// The registry client's retries, a stock resilience handler: a request is sent again when the registry throttles it
/// (429) or cannot serve it now (503), after the <c>Retry-After</c> it names (exponential backoff with jitter when it
/// names none); reads also after a gateway failure or a broken connection. A body that cannot be sent again, or a
/// wait longer than <see cref="RegistryRegionStoreOptions.MaxRetryAfter"/>, leaves the answer to the caller.
/// </summary>
internal static class RegistryRetries
{
    public static DelegatingHandler Handler(RegistryRegionStoreOptions options, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        if (options.Retries > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = options.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Context.GetRequestMessage() is { } request && ShouldRetry(request, args.Outcome, options.MaxRetryAfter, timeProvider.GetUtcNow())),
            });
        }

        return new ResilienceHandler(builder.Build());
    }

    private static bool ShouldRetry(HttpRequestMessage request, Outcome<HttpResponseMessage> outcome, TimeSpan maxRetryAfter, DateTimeOffset now)
    {
        if (!RegistryRequests.CanResend(request))
        {
            return false;
        }

        if (outcome.Exception is HttpRequestException)
        {
            return RegistryRequests.IsRead(request);
        }

        if (outcome.Result is not { } response)
        {
            return false;
        }

        bool retryable = RegistryRequests.IsBusy(response.StatusCode)
            || (RegistryRequests.IsGatewayFailure(response.StatusCode) && RegistryRequests.IsRead(request));
        return retryable && (RegistryRequests.RetryAfter(response, now) ?? TimeSpan.Zero) <= maxRetryAfter;
    }
}
