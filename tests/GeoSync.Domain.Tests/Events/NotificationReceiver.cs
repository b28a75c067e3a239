using System.Collections.Concurrent;
using System.Net;
using GeoSync.Testing;

namespace GeoSync.Domain.Tests.Events;

/// <summary>One POST a registry sent: its Content-Type and body.</summary>
internal sealed record ReceivedNotification(string? ContentType, byte[] Body);

/// <summary>
/// A minimal HTTP endpoint on 127.0.0.1 that records every notification a real registry POSTs and answers 200, so
/// tests can parse exactly what the registry sends.
/// </summary>
internal sealed class NotificationReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _loop;

    private NotificationReceiver(HttpListener listener, Uri url)
    {
        _listener = listener;
        Url = url;
        _loop = Task.Run(ReceiveAsync);
    }

    public Uri Url { get; }

    public ConcurrentQueue<ReceivedNotification> Received { get; } = new();

    public static NotificationReceiver Start()
    {
        for (int attempt = 1; ; attempt++)
        {
            int port = FreePort.Next();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return new NotificationReceiver(listener, new Uri($"http://127.0.0.1:{port}/events"));
            }
            catch (HttpListenerException) when (attempt < 3)
            {
                // The port was taken between probing and binding.
                listener.Close();
            }
        }
    }

    private async Task ReceiveAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return; // stopped
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            Received.Enqueue(new ReceivedNotification(context.Request.ContentType, body.ToArray()));
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
