using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using GeoSync.Host.Status;
using GeoSync.Host.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace GeoSync.Host.Tests.Status;

public sealed class StatusAuthorizationTests
{
    private static HttpRequest Request(string? authorization)
    {
        var context = new DefaultHttpContext();
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }

        return context.Request;
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("Bearer wrong", false)]
    [InlineData("Bearer s3cret-x", false)]
    [InlineData("Basic s3cret", false)]
    [InlineData("Bearer s3cret", true)]
    [InlineData("bearer  s3cret ", true)]
    public void IsAllowed_WithConfiguredToken_OnlyThatBearerTokenPasses(string? authorization, bool allowed) =>
        Assert.Equal(allowed, new StatusAuthorization("s3cret").IsAllowed(Request(authorization)));

    [Fact]
    public void IsAllowed_NoTokenConfigured_ReadApiIsOpen() =>
        Assert.True(new StatusAuthorization(null).IsAllowed(Request(null)));
}

/// <summary>
/// With a status token configured, every operator operation the OpenAPI document lists under <c>/v1</c> (reads,
/// resync, plan, abandoned events; not the registries' intake) refuses a request without it, or with another.
/// </summary>
public sealed class StatusTokenEndToEndTests
{
    private const string Token = "status-s3cret";

    [Fact]
    public async Task EveryOperatorOperation_WithoutOrWithAWrongToken_Is401_WithTheToken_IsNot()
    {
        await using EngineHarness harness = await EngineHarness.StartAsync(["eu", "us"], statusToken: Token);
        using var anonymous = new HttpClient { BaseAddress = harness.BaseAddress };
        using JsonDocument document = JsonDocument.Parse(await anonymous.GetStringAsync("openapi.json"));
        var operations = new List<(HttpMethod Method, string Path)>();
        foreach (JsonProperty path in document.RootElement.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/v1/", StringComparison.Ordinal)))
        {
            foreach (JsonProperty operation in path.Value.EnumerateObject())
            {
                var method = new HttpMethod(operation.Name.ToUpperInvariant());
                if (!(method == HttpMethod.Post && path.Name == "/v1/events"))
                {
                    operations.Add((method, path.Name.Replace("{name}", "team/app", StringComparison.Ordinal).Replace("{id}", "some-event", StringComparison.Ordinal)));
                }
            }
        }

        Assert.True(operations.Count >= 8, $"only {operations.Count} operator operations documented");
        foreach ((HttpMethod method, string path) in operations)
        {
            foreach (string? presented in new[] { null, "wrong", Token })
            {
                using var request = new HttpRequestMessage(method, path.TrimStart('/'));
                if (presented is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", presented);
                }

                if (method == HttpMethod.Post)
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                }

                using HttpResponseMessage response = await anonymous.SendAsync(request);
                if (presented == Token)
                {
                    Assert.True(response.StatusCode != HttpStatusCode.Unauthorized, $"{method} {path} refused the status token");
                }
                else
                {
                    Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode} to {(presented is null ? "no token" : "a wrong token")}");
                    Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                }
            }
        }
    }
}
