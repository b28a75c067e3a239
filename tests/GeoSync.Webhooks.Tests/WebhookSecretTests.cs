using GeoSync.Webhooks;
using GeoSync.Persistence.Webhooks;
using GeoSync.Testing;
using GeoSync.Testing.Webhooks;

namespace GeoSync.Webhooks.Tests;

/// <summary>Secrets are resolved from references and never reach a log line, a stored row or an error.</summary>
public sealed class WebhookSecretTests(WebhookReceiverFixture fixture) : IClassFixture<WebhookReceiverFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Dispatcher_SuccessRejectionAndErrors_NoSecretLoggedOrStored()
    {
        await using WebhookTestBed bed = await WebhookTestBed.CreateAsync(fixture.Receiver);
        string rawSecret = "raw-" + Guid.NewGuid().ToString("N");
        string whsecKey = Convert.ToBase64String(Guid.NewGuid().ToByteArray());
        string whsecSecret = "whsec_" + whsecKey;
        string[] secretTexts = [rawSecret, whsecSecret, whsecKey];
        string[] references = [bed.EnvironmentSecret(rawSecret), bed.FileSecret(whsecSecret)];

        bed.AddEndpoint("ok", references);
        bed.AddEndpoint("echo", references);                       // answers 400 with the secret in its body
        bed.AddEndpoint("down", references, url: new Uri($"http://127.0.0.1:{FreePort.Next()}/hook"));
        bed.AddEndpoint("unset", ["env:GEOSYNC_TEST_SECRET_NEVER_SET"]);
        bed.AddEndpoint("missing-file", [$"file:/nonexistent/{Guid.NewGuid():N}"]);
        bed.Program("echo", ReceiverResponse.Status(400, $"bad signature, expected one made with {rawSecret}"));
        WebhookNode node = await bed.StartNodeAsync();

        Dictionary<string, string> ids = (await node.Publisher.EnqueueAsync(bed.Notice())).ToDictionary(d => d.Endpoint, d => d.DeliveryId);

        await bed.AwaitStateAsync(ids["ok"], WebhookDeliveryState.Delivered);
        await bed.AwaitStateAsync(ids["echo"], WebhookDeliveryState.Failed);
        foreach (string failing in new[] { "down", "unset", "missing-file" })
        {
            await Eventually.HoldsAsync(async () => (await bed.DeliveryAsync(ids[failing])).Attempts.Count >= 2, Deadline, $"{failing} retried");
        }

        Assert.True(Assert.Single(bed.Received("ok")).VerifiesWith(rawSecret));
        WebhookDeliveryDetails echo = await bed.DeliveryAsync(ids["echo"]);
        Assert.Contains("***", echo.Attempts[0].Error, StringComparison.Ordinal);
        Assert.Contains("GEOSYNC_TEST_SECRET_NEVER_SET", (await bed.DeliveryAsync(ids["unset"])).Attempts[0].Error, StringComparison.Ordinal);
        Assert.Contains("network error", (await bed.DeliveryAsync(ids["down"])).Attempts[0].Error, StringComparison.Ordinal);

        IReadOnlyList<WebhookDeliveryDetails> stored = await bed.Outbox.ListAsync(new WebhookDeliveryQuery(Region: bed.RegionName));
        string storedText = string.Join("\n", stored.SelectMany(d =>
            new[] { d.Delivery.Payload, d.Delivery.LastError ?? string.Empty }.Concat(d.Attempts.Select(a => a.Error ?? string.Empty))));
        Assert.NotEmpty(bed.Logs.Lines);
        Assert.Contains(bed.Logs.Lines, line => line.Contains(ids["echo"], StringComparison.Ordinal));
        foreach (string secret in secretTexts)
        {
            Assert.DoesNotContain(bed.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(secret, storedText, StringComparison.Ordinal);
        }
    }
}
