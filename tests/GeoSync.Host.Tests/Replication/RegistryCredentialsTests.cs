using GeoSync.Host.Status;
using GeoSync.Host.Tests.Support;
using GeoSync.Testing;
using GeoSync.Testing.Registry;
using GeoSync.Testing.Webhooks;
using Microsoft.Extensions.Logging;

namespace GeoSync.Host.Tests.Replication;

/// <summary>A registry region whose registry refuses the engine's credentials: only that region fails, saying why, and the password shows nowhere.</summary>
public sealed class RegistryCredentialsTests
{
    [Fact]
    public async Task WrongPassword_RegistryRegionFailsDeniedWithoutTheSecret_OtherRegionsSync()
    {
        const string wrongPassword = "wrong-password-7f3a";
        using var directory = new TestDirectory("registry-credentials");
        await using RegistryServer registry = await RegistryServer.StartAsync(
            directory.Combine("us-registry"), options: new RegistryServerOptions { User = new RegistryUser("geosync", "the-right-password") });
        var logs = new CapturedLogs();
        using ILoggerFactory loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        await using EngineHarness harness = await EngineHarness.StartAsync(
            regions: ["eu", "us", "ap"],
            loggerFactory: loggerFactory,
            registries: new Dictionary<string, HarnessRegistry> { ["us"] = new(registry.BaseUri, "geosync", wrongPassword) });
        TestImage image = TestImage.Single("denied", TestImage.Layer("registry-denied", 64 * 1024));

        await harness.PushAsync("eu", "team/denied", "v1", image);

        await harness.WaitForAsync("team/denied", "v1", "Synced", ["eu", "ap"]);
        await Eventually.HoldsAsync(
            async () => (await harness.StatusAsync("team/denied")).Tags.Single().Regions.Single(r => r.Region == "us") is { State: "Failed", LastError: not null },
            TimeSpan.FromSeconds(15),
            "us reported Failed with its error");
        RegionStatus us = (await harness.StatusAsync("team/denied")).Tags.Single().Regions.Single(r => r.Region == "us");
        Assert.Contains("(Denied): registry answered 401 UNAUTHORIZED", us.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongPassword, us.LastError, StringComparison.Ordinal);
        // Neither the password nor the basic-auth header made of it.
        string basic = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"geosync:{wrongPassword}"));
        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(logs.Lines, l => l.Contains(wrongPassword, StringComparison.Ordinal) || l.Contains(basic, StringComparison.Ordinal));
    }
}
