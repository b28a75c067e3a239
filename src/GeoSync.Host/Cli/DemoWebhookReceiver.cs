using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using GeoSync.Webhooks;

namespace GeoSync.Host.Cli;

/// <summary>
/// The demo's stand-in for each region's deploy system: a loopback endpoint that checks each webhook's Standard
/// Webhooks signature with the region's secret and remembers what arrived, so the demo can show the whole path.
/// </summary>
internal sealed class DemoWebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(string Region, string WebhookId, bool Verified)> _received = new();

    private DemoWebhookReceiver(WebApplication app) => _app = app;

    /// <summary>The receiver's base URL.</summary>
    public string Url => _app.Urls.First();

    public IReadOnlyCollection<(string Region, string WebhookId, bool Verified)> Received => _received;

    public static async Task<DemoWebhookReceiver> StartAsync(Func<string, string?> secretOfRegion, CancellationToken cancellationToken)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var receiver = new DemoWebhookReceiver(app);
        app.MapPost("/hooks/{region}", async (string region, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body).ConfigureAwait(false);
            string id = request.Headers["webhook-id"].ToString();
            string timestamp = request.Headers["webhook-timestamp"].ToString();
            string signatures = request.Headers["webhook-signature"].ToString();
            bool verified = secretOfRegion(region) is string secret
                && long.TryParse(timestamp, out long seconds)
                && Verify(secret, id, seconds, body.ToArray(), signatures);
            receiver._received.Enqueue((region, id, verified));
            return verified ? Results.NoContent() : Results.Unauthorized();
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static bool Verify(string secret, string id, long timestamp, byte[] body, string header)
    {
        string expected = WebhookSignature.Sign(id, timestamp, body, [WebhookSignature.KeyOf(secret)]);
        return header.Split(' ', StringSplitOptions.RemoveEmptyEntries).Any(s =>
            CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), Encoding.ASCII.GetBytes(expected.Split(' ')[0])));
    }
}
