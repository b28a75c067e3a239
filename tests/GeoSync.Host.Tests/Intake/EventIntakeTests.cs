using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GeoSync.Host.Tests.Support;
using GeoSync.Persistence;

namespace GeoSync.Host.Tests.Intake;

public sealed class EventIntakeTests : IAsyncLifetime
{
    private EngineHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await EngineHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private async Task<HttpResponseMessage> PostAsync(string body, string? token, string contentType = "application/vnd.docker.distribution.events.v1+json", bool chunked = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/events") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        // Chunked: no Content-Length, so the intake learns the size only by reading (as from a streaming sender).
        request.Headers.TransferEncodingChunked = chunked;
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await _harness.Http.SendAsync(request);
    }

    private static string PushEnvelope(string id, string repository = "team/app") =>
        $$$"""{"events":[{"id":"{{{id}}}","timestamp":"2026-11-01T12:00:00Z","action":"push","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:{{{new string('a', 64)}}}","size":100,"repository":"{{{repository}}}","tag":"v1"}}]}""";

    [Fact]
    public async Task Post_ValidPush_202AfterCommit()
    {
        using HttpResponseMessage response = await PostAsync(PushEnvelope("evt-ok"), EngineHarness.TokenOf("eu"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        InboxEntry? entry = await _harness.Database.Inbox.FindAsync("evt-ok");
        Assert.NotNull(entry);
        Assert.Equal("eu", entry.Event.SourceRegion);
        Assert.Equal("team/app", entry.Event.Repository);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    [InlineData("")]
    public async Task Post_WithoutRegionToken_401ProblemAndNothingStored(string? token)
    {
        using HttpResponseMessage response = await PostAsync(PushEnvelope("evt-unauth"), token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(await _harness.Database.Inbox.FindAsync("evt-unauth"));
    }

    [Fact]
    public async Task Post_TokenOfAnotherRegion_RecordsThatRegionAsSource()
    {
        using HttpResponseMessage response = await PostAsync(PushEnvelope("evt-us"), EngineHarness.TokenOf("us"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("us", (await _harness.Database.Inbox.FindAsync("evt-us"))!.Event.SourceRegion);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "not json at all", "$" },
        { """{"events":[{"timestamp":"2026-11-01T12:00:00Z","action":"push","target":{"repository":"team/app"}}]}""", "events[0].id" },
        { """{"events":[{"id":"x","timestamp":"2026-11-01T12:00:00Z","action":"push","target":{"repository":"Team/App","tag":"v1","digest":"sha256:00"}}]}""", "events[0].target" },
        { """{"nothing":"here"}""", "events" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task Post_Malformed_400ProblemNamingTheFieldAndNothingElseLost(string body, string fieldPrefix)
    {
        using HttpResponseMessage ok = await PostAsync(PushEnvelope("evt-before-bad"), EngineHarness.TokenOf("eu"));
        Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);

        using HttpResponseMessage response = await PostAsync(body, EngineHarness.TokenOf("eu"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith(fieldPrefix, problem.RootElement.GetProperty("field").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("detail").GetString()));
        Assert.NotNull(await _harness.Database.Inbox.FindAsync("evt-before-bad"));
    }

    [Theory]
    [InlineData("us.registry.test", "source")]
    [InlineData("us.registry.test:5000", "request")]
    public async Task Post_EventThroughAnotherRegionsRegistry_403ProblemNamingItAndNothingStored(string host, string field)
    {
        // The second event came through us's registry, but the token is eu's: the whole envelope is refused.
        string foreign = field == "request"
            ? $$$"""{"id":"evt-foreign","timestamp":"2026-11-01T12:00:00Z","action":"push","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:{{{new string('b', 64)}}}","size":100,"repository":"team/other","tag":"v1"},"request":{"host":"{{{host}}}","method":"PUT"}}"""
            : $$$"""{"id":"evt-foreign","timestamp":"2026-11-01T12:00:00Z","action":"push","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:{{{new string('b', 64)}}}","size":100,"repository":"team/other","tag":"v1"},"source":{"addr":"{{{host}}}"}}""";
        string own = $$$"""{"id":"evt-own","timestamp":"2026-11-01T12:00:00Z","action":"push","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:{{{new string('a', 64)}}}","size":100,"repository":"team/app","tag":"v1"},"request":{"host":"eu.registry.test"}}""";

        using HttpResponseMessage refused = await PostAsync($$$"""{"events":[{{{own}}},{{{foreign}}}]}""", EngineHarness.TokenOf("eu"));
        using HttpResponseMessage accepted = await PostAsync($$$"""{"events":[{{{own}}}]}""", EngineHarness.TokenOf("eu"));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync());
        Assert.Equal("evt-foreign", problem.RootElement.GetProperty("eventId").GetString());
        Assert.Equal("us", problem.RootElement.GetProperty("region").GetString());
        Assert.Contains("region 'eu''s notification token", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Null(await _harness.Database.Inbox.FindAsync("evt-foreign"));
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.NotNull(await _harness.Database.Inbox.FindAsync("evt-own"));
    }

    [Fact]
    public async Task Post_BodyOverLimit_413Problem()
    {
        string huge = PushEnvelope("evt-huge").Replace("\"size\":100", "\"size\":100,\"pad\":\"" + new string('x', 2 * 1024 * 1024) + "\"", StringComparison.Ordinal);
        using HttpResponseMessage response = await PostAsync(huge, EngineHarness.TokenOf("eu"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Null(await _harness.Database.Inbox.FindAsync("evt-huge"));
    }

    [Fact]
    public async Task Post_ChunkedBodyOverLimit_413Problem_AndNothingStored()
    {
        string huge = PushEnvelope("evt-huge-chunked").Replace("\"size\":100", "\"size\":100,\"pad\":\"" + new string('x', 2 * 1024 * 1024) + "\"", StringComparison.Ordinal);
        using HttpResponseMessage response = await PostAsync(huge, EngineHarness.TokenOf("eu"), chunked: true);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Null(await _harness.Database.Inbox.FindAsync("evt-huge-chunked"));
    }

    [Fact]
    public async Task Post_ChunkedBodyOfManyEvents_AllStoredAsReceived()
    {
        // About 300 KiB: the body arrives in many reads of the request pipe.
        string[] ids = [.. Enumerable.Range(0, 1000).Select(i => $"evt-chunked-{i}")];
        string body = "{\"events\":[" + string.Join(",", ids.Select(id => PushEnvelope(id)["{\"events\":[".Length..^"]}".Length])) + "]}";
        using HttpResponseMessage response = await PostAsync(body, EngineHarness.TokenOf("eu"), chunked: true);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        InboxEntry? last = await _harness.Database.Inbox.FindAsync(ids[^1]);
        Assert.NotNull(last);
        Assert.Contains($"\"id\":\"{ids[^1]}\"", last.Event.Payload, StringComparison.Ordinal);
        Assert.All(await Task.WhenAll(ids.Select(id => _harness.Database.Inbox.FindAsync(id))), Assert.NotNull);
    }

    [Fact]
    public async Task Post_WrongContentType_415Problem()
    {
        using HttpResponseMessage response = await PostAsync(PushEnvelope("evt-ct"), EngineHarness.TokenOf("eu"), "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Post_PullsAndBlobPushes_AcknowledgedAndDropped()
    {
        string body = $$$"""
            {"events":[
              {"id":"evt-pull","timestamp":"2026-11-01T12:00:00Z","action":"pull","target":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:{{{new string('b', 64)}}}","size":100,"repository":"team/app","tag":"v1"}},
              {"id":"evt-blob","timestamp":"2026-11-01T12:00:00Z","action":"push","target":{"mediaType":"application/octet-stream","digest":"sha256:{{{new string('c', 64)}}}","size":100,"repository":"team/app"}}
            ]}
            """;
        using HttpResponseMessage response = await PostAsync(body, EngineHarness.TokenOf("eu"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using JsonDocument result = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(0, result.RootElement.GetProperty("accepted").GetInt32());
        Assert.Equal(2, result.RootElement.GetProperty("ignored").GetInt32());
        Assert.Null(await _harness.Database.Inbox.FindAsync("evt-pull"));
        Assert.Null(await _harness.Database.Inbox.FindAsync("evt-blob"));
    }

    [Fact]
    public async Task Post_SameEventTwice_StoredOnce()
    {
        using HttpResponseMessage first = await PostAsync(PushEnvelope("evt-dup"), EngineHarness.TokenOf("eu"));
        using HttpResponseMessage second = await PostAsync(PushEnvelope("evt-dup"), EngineHarness.TokenOf("eu"));
        using JsonDocument result = JsonDocument.Parse(await second.Content.ReadAsStringAsync());
        Assert.Equal(0, result.RootElement.GetProperty("accepted").GetInt32());
        Assert.Equal(1, result.RootElement.GetProperty("duplicates").GetInt32());
    }
}
