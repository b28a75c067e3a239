using GeoSync.Host.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GeoSync.Host.Tests.Hosting;

/// <summary>What <c>geosync serve</c> logs at its default level: GeoSync's own lines, and only warnings from libraries that log per request.</summary>
public sealed class GeoSyncConsoleLoggingTests
{
    [Theory]
    [InlineData("Microsoft.AspNetCore.Hosting.Diagnostics", false)]
    [InlineData("Microsoft.AspNetCore.Routing.EndpointMiddleware", false)]
    [InlineData("Npgsql.Command", false)]
    [InlineData("Polly", false)]
    [InlineData("System.Net.Http.HttpClient.GeoSync.Webhooks.LogicalHandler", false)]
    [InlineData("System.Net.Http.HttpClient.GeoSync.Webhooks.ClientHandler", false)]
    [InlineData("Orleans.Runtime.Silo", false)]
    [InlineData("GeoSync.Webhooks.WebhookDispatcher", true)]
    [InlineData("GeoSync.Grains.Repositories.RepositoryGrain", true)]
    public void AddGeoSyncConsole_Category_InformationOnlyFromGeoSyncWarningsFromAll(string category, bool information)
    {
        using ServiceProvider services = new ServiceCollection().AddLogging(l => l.AddGeoSyncConsole()).BuildServiceProvider();

        ILogger logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(category);

        Assert.Equal(information, logger.IsEnabled(LogLevel.Information));
        Assert.True(logger.IsEnabled(LogLevel.Warning));
    }
}
