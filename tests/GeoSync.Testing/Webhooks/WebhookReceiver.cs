using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GeoSync.Testing.Webhooks;

/// <summary>
/// A real HTTP webhook receiver: Kestrel on 127.0.0.1, port chosen by the OS. Each endpoint is a path
/// (<see cref="UrlOf"/>) with a programmable list of answers (the last one repeats; default 200). Every request is
/// recorded before it is answered, so a test can wait for "the receiver got it" even when the answer hangs.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Script> _scripts = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private long _sequence;

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>The receiver's base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Every request received, in order of arrival.</summary>
    public IReadOnlyList<ReceivedWebhook> All => [.. _received.OrderBy(r => r.Sequence)];

    /// <summary>Starts a receiver; throws if Kestrel cannot listen.</summary>
    public static async Task<WebhookReceiver> StartAsync()
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks/{endpoint}", (string endpoint, HttpContext context) => receiver.HandleAsync(endpoint, context));
        await app.StartAsync().ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver.BaseAddress = new Uri(address);
        return receiver;
    }

    /// <summary>The URL of an endpoint.</summary>
    public Uri UrlOf(string endpoint) => new(BaseAddress, $"/hooks/{endpoint}");

    /// <summary>Sets an endpoint's answers, in order; the last one repeats.</summary>
    public void Program(string endpoint, params ReceiverResponse[] responses)
    {
        ArgumentOutOfRangeException.ThrowIfZero(responses.Length);
        _scripts[endpoint] = new Script(responses);
    }

    /// <summary>Requests an endpoint received, in order of arrival.</summary>
    public IReadOnlyList<ReceivedWebhook> Received(string endpoint) => [.. All.Where(r => r.Endpoint == endpoint)];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(string endpoint, HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        ReceiverResponse response = _scripts.TryGetValue(endpoint, out Script? script) ? script.Next() : ReceiverResponse.Ok;
        IHeaderDictionary headers = context.Request.Headers;
        _received.Enqueue(new ReceivedWebhook(
            endpoint, Interlocked.Increment(ref _sequence), Stopwatch.GetTimestamp(), headers["webhook-id"].FirstOrDefault(),
            headers["webhook-timestamp"].FirstOrDefault(), headers["webhook-signature"].FirstOrDefault(),
            headers["traceparent"].FirstOrDefault(), context.Request.ContentType, body.ToArray(), response.StatusCode));

        if (response.Hang)
        {
            // Until the client gives up: its cancellation (or timeout) closes the connection.
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            return;
        }

        if (response.Delay > TimeSpan.Zero)
        {
            await Task.Delay(response.Delay, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }

        context.Response.StatusCode = response.StatusCode;
        if (response.RetryAfter is not null)
        {
            context.Response.Headers.RetryAfter = response.RetryAfter;
        }

        if (response.Body is not null && !context.RequestAborted.IsCancellationRequested)
        {
            await context.Response.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private sealed class Script(ReceiverResponse[] responses)
    {
        private int _next;

        public ReceiverResponse Next()
        {
            int index = Interlocked.Increment(ref _next) - 1;
            return responses[Math.Min(index, responses.Length - 1)];
        }
    }
}
