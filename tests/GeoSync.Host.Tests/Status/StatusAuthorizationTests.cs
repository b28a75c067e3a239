using GeoSync.Host.Status;
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
