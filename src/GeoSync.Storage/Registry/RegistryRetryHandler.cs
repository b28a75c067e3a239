using Polly;
using Polly.Retry;

namespace GeoSync.Storage.Registry;

/// <summary>
/// Sends a request again when the registry throttles it (429) or cannot serve it now (503), after the
/// <c>Retry-After</c> it names (exponential backoff with jitter when it names none); reads are also retried after a
/// gateway failure or a broken connection. A body that cannot be sent again, or a wait longer than
/// <see cref="RegistryRegionStoreOptions.MaxRetryAfter"/>, leaves the answer to the caller.
/// </summary>
internal sealed class RegistryRetryHandler : DelegatingHandler
{
    private static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("geosync.registry.request");

    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly TimeProvider _timeProvider;

    public RegistryRetryHandler(RegistryRegionStoreOptions options, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        if (options.Retries == 0)
        {
            _pipeline = builder.Build();
            return;
        }

        _pipeline = builder
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = options.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Context.Properties.GetValue(RequestKey, null!), args.Outcome, options.MaxRetryAfter)),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result is { } response ? RegistryRequests.RetryAfter(response, _timeProvider.GetUtcNow()) : null),
            })
            .Build();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!RegistryRequests.CanResend(request))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        ResilienceContext context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (ctx, state) => await state.Handler.SendInnerAsync(state.Request, ctx.CancellationToken).ConfigureAwait(false),
                context,
                (Handler: this, Request: request)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendInnerAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);

    private bool ShouldRetry(HttpRequestMessage request, Outcome<HttpResponseMessage> outcome, TimeSpan maxRetryAfter)
    {
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
        return retryable && (RegistryRequests.RetryAfter(response, _timeProvider.GetUtcNow()) ?? TimeSpan.Zero) <= maxRetryAfter;
    }
}
