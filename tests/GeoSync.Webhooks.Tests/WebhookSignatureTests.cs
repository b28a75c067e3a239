using System.Text;
using GeoSync.Webhooks;
using GeoSync.Testing.Webhooks;

namespace GeoSync.Webhooks.Tests;

public sealed class WebhookSignatureTests
{
    [Fact]
    public void Sign_StandardWebhooksTestVector_MatchesPublishedSignature()
    {
        // The Standard Webhooks specification's reference example.
        byte[] key = WebhookSignature.KeyOf("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        string header = WebhookSignature.Sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, Encoding.UTF8.GetBytes("{\"test\": 2432232314}"), [key]);

        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", header);
    }

    [Fact]
    public void Sign_TwoKeys_TwoEntriesEachVerifyingWithItsSecret()
    {
        byte[] body = Encoding.UTF8.GetBytes("{\"a\":1}");

        string header = WebhookSignature.Sign("msg_1", 1700000000, body, [WebhookSignature.KeyOf("old-secret"), WebhookSignature.KeyOf("whsec_AAECAwQF")]);

        Assert.Equal(2, header.Split(' ').Length);
        Assert.True(StandardWebhookVerifier.Verify("msg_1", "1700000000", body, header, "old-secret"));
        Assert.True(StandardWebhookVerifier.Verify("msg_1", "1700000000", body, header, "whsec_AAECAwQF"));
        Assert.False(StandardWebhookVerifier.Verify("msg_1", "1700000001", body, header, "old-secret"));
    }

    [Fact]
    public void KeyOf_MalformedWhsecSecret_ErrorDoesNotRepeatIt()
    {
        FormatException error = Assert.Throws<FormatException>(() => WebhookSignature.KeyOf("whsec_not*base64!"));

        Assert.DoesNotContain("not*base64!", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void For_SameDecisionEndpointAndRegion_StableAndDistinctOtherwise()
    {
        const string digest = "sha256:0000000000000000000000000000000000000000000000000000000000000001";
        var pushed = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        string id = WebhookId.For("eu", "deploy", "team/app", "1.0", digest, WebhookEventTypes.ImageSynced, pushed);

        Assert.Equal(id, WebhookId.For("eu", "deploy", "team/app", "1.0", digest, WebhookEventTypes.ImageSynced, pushed));
        Assert.Equal(id, WebhookId.For("eu", "deploy", "team/app", "1.0", digest, WebhookEventTypes.ImageSynced, pushed.ToOffset(TimeSpan.FromHours(8))));
        Assert.Matches("^msg_[0-9a-f]{32}$", id);
        string[] others =
        [
            WebhookId.For("us", "deploy", "team/app", "1.0", digest, WebhookEventTypes.ImageSynced, pushed),
            WebhookId.For("eu", "audit", "team/app", "1.0", digest, WebhookEventTypes.ImageSynced, pushed),
            WebhookId.For("eu", "deploy", "team/api", "1.0", digest, WebhookEventTypes.ImageSynced, pushed),
            WebhookId.For("eu", "deploy", "team/app", "1.1", digest, WebhookEventTypes.ImageSynced, pushed),
            WebhookId.For("eu", "deploy", "team/app", "1.0", digest.Replace("01", "02", StringComparison.Ordinal), WebhookEventTypes.ImageSynced, pushed),
            WebhookId.For("eu", "deploy", "team/app", "1.0", digest, WebhookEventTypes.ImageDeleted, pushed),
            // The tag pushed to this digest again later (it moved away and back): a new message.
            WebhookId.For("eu", "deploy", "team/app", "1.0", digest, WebhookEventTypes.ImageSynced, pushed.AddMilliseconds(1)),
        ];
        Assert.Equal(others.Length + 1, others.Append(id).Distinct().Count());
    }
}
