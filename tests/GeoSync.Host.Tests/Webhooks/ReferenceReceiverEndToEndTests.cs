using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GeoSync.Examples.ContainerGroup;
using GeoSync.Examples.DeploymentPatch;
using GeoSync.Host.Tests.Support;
using GeoSync.Testing;
using GeoSync.Testing.Webhooks;
using Microsoft.AspNetCore.Builder;

namespace GeoSync.Host.Tests.Webhooks;

/// <summary>
/// The two reference receivers in <c>src/Examples</c>, on loopback, called by a real engine: region <c>ap</c> has a
/// VPC domain and an ACR-like registry instance, and its webhooks pull over the VPC; region <c>eu</c> has a public
/// domain only. A recorder gets a copy of each region's webhook, replayed to the receivers as it is and tampered with.
/// </summary>
public sealed class ReferenceReceiverEndToEndTests(ReferenceReceiverEndToEndTests.Engine engine) : IClassFixture<ReferenceReceiverEndToEndTests.Engine>
{
    private const string VpcDomain = "ap.registry-vpc.test:5000";

    [Fact]
    public void DeploymentReceiver_EngineWebhook_PrintsPatchOfTheVpcImageWithTheInstanceAnnotation()
    {
        JsonNode printed = engine.PrintedForEngine.Patch;

        JsonNode expected = JsonNode.Parse($$"""
            {
              "path": "/apis/apps/v1/namespaces/shop/deployments/web",
              "contentType": "application/strategic-merge-patch+json",
              "patch": { "spec": { "template": {
                "spec": { "containers": [ { "name": "app", "image": "{{VpcDomain}}/team/web@{{engine.Digest}}" } ] },
                "metadata": { "annotations": { "k8s.aliyun.com/acr-instance-id": "cri-ap123" } } } } }
            }
            """)!;
        Assert.True(JsonNode.DeepEquals(expected, printed), printed.ToJsonString());
    }

    [Fact]
    public void ContainerGroupReceiver_EngineWebhook_PrintsCreationWithAcrRegistryInfoFromThePayload()
    {
        JsonNode printed = engine.PrintedForEngine.Creation;

        JsonNode expected = JsonNode.Parse($$"""
            {
              "RegionId": "ap-southeast-1",
              "ContainerGroupName": "web-{{engine.Digest[7..19]}}",
              "SecurityGroupId": "sg-test",
              "VSwitchId": "vsw-test",
              "Container": [ { "Name": "app", "Image": "{{VpcDomain}}/team/web@{{engine.Digest}}" } ],
              "AcrRegistryInfo": [ { "InstanceId": "cri-ap123", "InstanceName": "prod-ap", "RegionId": "ap-southeast-1", "Domain": [ "{{VpcDomain}}", "ap.registry.test" ] } ]
            }
            """)!;
        Assert.True(JsonNode.DeepEquals(expected, printed), printed.ToJsonString());
    }

    [Fact]
    public void EngineWebhooks_VpcPreferringWebhookGetsTheVpcReference_PublicOneThePublic_EveryPayloadConformsToTheSchema()
    {
        JsonElement ap = engine.RecordedData("ap-recorded");
        JsonElement eu = engine.RecordedData("eu-recorded");

        Assert.Equal($"{VpcDomain}/team/web@{engine.Digest}", ap.GetProperty("image").GetString());
        Assert.Equal($"ap.registry.test/team/web@{engine.Digest}", ap.GetProperty("pull").GetProperty("public").GetString());
        Assert.Equal($"{VpcDomain}/team/web:v1", ap.GetProperty("pull").GetProperty("byTag").GetProperty("vpc").GetString());
        Assert.Equal($"eu.registry.test/team/web@{engine.Digest}", eu.GetProperty("image").GetString());
        Assert.False(eu.GetProperty("pull").TryGetProperty("vpc", out _));
        Assert.False(eu.GetProperty("region").GetProperty("registry").TryGetProperty("instance", out _));
        Assert.All(engine.Recorder.All, hook => Assert.Empty(hook.SchemaErrors));
    }

    [Theory]
    [InlineData("deployment")]
    [InlineData("container-group")]
    public async Task Receiver_RecordedEngineRequest_AcceptedAsSentAndRefusedTampered(string receiver)
    {
        ReceivedWebhook recorded = Assert.Single(engine.Recorder.Received("ap-recorded"));
        Uri url = receiver == "deployment" ? engine.DeploymentUrl : engine.ContainerGroupUrl;
        byte[] tampered = Encoding.UTF8.GetBytes(recorded.BodyText.Replace(VpcDomain, "attacker.example.com", StringComparison.Ordinal));

        using HttpResponseMessage asSent = await ReplayAsync(url, recorded, recorded.Body);
        using HttpResponseMessage forged = await ReplayAsync(url, recorded, tampered);

        Assert.Equal(HttpStatusCode.OK, asSent.StatusCode);
        Assert.Contains($"{VpcDomain}/team/web@{engine.Digest}", await asSent.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.DoesNotContain("attacker.example.com", await forged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        CapturedOutput output = receiver == "deployment" ? engine.DeploymentOutput : engine.ContainerGroupOutput;
        Assert.DoesNotContain(output.Lines, line => line.Contains("attacker.example.com", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DeploymentReceiver_RegionWithoutInstance_PatchesTheImageOnly()
    {
        ReceivedWebhook recorded = Assert.Single(engine.Recorder.Received("eu-recorded"));

        using HttpResponseMessage response = await ReplayAsync(engine.DeploymentUrl, recorded, recorded.Body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonNode template = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["patch"]!["spec"]!["template"]!;
        Assert.Null(template["metadata"]);
        Assert.Equal($"eu.registry.test/team/web@{engine.Digest}", template["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
    }

    private static async Task<HttpResponseMessage> ReplayAsync(Uri url, ReceivedWebhook recorded, byte[] body)
    {
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(recorded.ContentType!);
        request.Headers.TryAddWithoutValidation("webhook-id", recorded.WebhookId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", recorded.WebhookTimestamp);
        request.Headers.TryAddWithoutValidation("webhook-signature", recorded.WebhookSignature);
        return await client.SendAsync(request);
    }

    /// <summary>The receivers, a recorder, and an engine that has pushed <c>team/web:v1</c> into every region.</summary>
    public sealed class Engine : IAsyncLifetime
    {
        // A Standard Webhooks secret, as a receiver is handed it.
        private static readonly string Secret = "whsec_" + Convert.ToBase64String(Encoding.UTF8.GetBytes("reference-receivers-signing-key!!"));

        private WebApplication _deployment = null!;
        private WebApplication _containerGroup = null!;
        private EngineHarness _harness = null!;

        public CapturedOutput DeploymentOutput { get; } = new();

        public CapturedOutput ContainerGroupOutput { get; } = new();

        public WebhookReceiver Recorder { get; private set; } = null!;

        public Uri DeploymentUrl { get; private set; } = null!;

        public Uri ContainerGroupUrl { get; private set; } = null!;

        public string Digest { get; private set; } = null!;

        /// <summary>What each receiver printed for the engine's own webhook (the tests' replays print more).</summary>
        public (JsonNode Patch, JsonNode Creation) PrintedForEngine { get; private set; }

        public JsonElement RecordedData(string endpoint) =>
            JsonDocument.Parse(Assert.Single(Recorder.Received(endpoint)).Body).RootElement.GetProperty("data").Clone();

        public async Task InitializeAsync()
        {
            string[] listen = ["--urls", "http://127.0.0.1:0"];
            _deployment = DeploymentPatchReceiver.Create(listen, o =>
            {
                o.Secret = Secret;
                o.Namespace = "shop";
                o.Deployment = "web";
                o.Container = "app";
            }, DeploymentOutput);
            _containerGroup = ContainerGroupReceiver.Create(listen, o =>
            {
                o.Secret = Secret;
                o.Name = "web";
                o.Container = "app";
                o.SecurityGroupId = "sg-test";
                o.VSwitchId = "vsw-test";
            }, ContainerGroupOutput);
            await _deployment.StartAsync();
            await _containerGroup.StartAsync();
            DeploymentUrl = new Uri(_deployment.Urls.Single() + "/");
            ContainerGroupUrl = new Uri(_containerGroup.Urls.Single() + "/");
            Recorder = await WebhookReceiver.StartAsync();

            var webhooks = new HarnessWebhooks(
                region => region == "ap"
                    ? [Hook("ap-deployment", DeploymentUrl, "vpc"), Hook("ap-container-group", ContainerGroupUrl, "vpc"), Hook("ap-recorded", Recorder.UrlOf("ap-recorded"), "vpc")]
                    : [Hook("eu-recorded", Recorder.UrlOf("eu-recorded"), "public")],
                new Dictionary<string, string> { ["HOOK_SECRET"] = Secret })
            {
                Registry = region => region == "ap"
                    ? (VpcDomain, new { id = "cri-ap123", name = "prod-ap", cloudRegion = "ap-southeast-1" })
                    : (null, null),
            };
            _harness = await EngineHarness.StartAsync(["eu", "ap"], webhooks: webhooks);
            TestImage image = TestImage.Single("receivers", TestImage.Layer("receivers", 2000));
            Digest = image.Root.Digest.ToString();
            await _harness.PushAsync("eu", "team/web", "v1", image);
            await _harness.WaitForAsync("team/web", "v1", "Synced");
            await Eventually.HoldsAsync(
                () => DeploymentOutput.Printed("PATCH ").Count > 0 && ContainerGroupOutput.Printed("CreateContainerGroup ").Count > 0
                    && Recorder.Received("ap-recorded").Count > 0 && Recorder.Received("eu-recorded").Count > 0,
                TimeSpan.FromSeconds(30),
                "each receiver's webhook");
            PrintedForEngine = (Assert.Single(DeploymentOutput.Printed("PATCH ")), Assert.Single(ContainerGroupOutput.Printed("CreateContainerGroup ")));
        }

        public async Task DisposeAsync()
        {
            await _harness.DisposeAsync();
            await Recorder.DisposeAsync();
            await _deployment.DisposeAsync();
            await _containerGroup.DisposeAsync();
        }

        private static object Hook(string name, Uri url, string pull) =>
            new { name, url = url.ToString(), secrets = new[] { "env:HOOK_SECRET" }, pull };
    }

    /// <summary>What a receiver prints, line by line.</summary>
    public sealed class CapturedOutput : TextWriter
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public override Encoding Encoding => Encoding.UTF8;

        public IReadOnlyList<string> Lines => [.. _lines];

        public override void WriteLine(string? value) => _lines.Enqueue(value ?? "");

        public override void Write(char value) => throw new NotSupportedException("receivers print whole lines");

        /// <summary>The JSON printed after <paramref name="prefix"/> on each line that starts with it.</summary>
        public IReadOnlyList<JsonNode> Printed(string prefix) =>
            [.. _lines.Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => JsonNode.Parse(l[prefix.Length..])!)];
    }
}
