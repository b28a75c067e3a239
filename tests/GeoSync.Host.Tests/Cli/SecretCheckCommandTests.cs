using GeoSync.Host.Cli;
using GeoSync.Testing;

namespace GeoSync.Host.Tests.Cli;

/// <summary>Secrets a command needs are all read before anything is opened; every one that cannot be used is named in one error.</summary>
public sealed class SecretCheckCommandTests : IDisposable
{
    private readonly TestDirectory directory = new("cli-secrets");

    // Variable names of this test instance only (tests run in parallel in one process and share its environment),
    // short enough that each error line stays under the 200 characters a terminal line is cut at.
    private readonly string prefix = $"GS{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}_";

    public void Dispose() => directory.Dispose();

    [Fact]
    public async Task Serve_EverySecretUnset_Exit2NamingEachBeforeOpeningTheDatabase()
    {
        string topology = await WriteTopologyAsync();

        (int exit, string output, string error) = await RunAsync("serve", "--topology", topology, "--listen", "http://127.0.0.1:0");

        Assert.Equal(GeoSyncCli.InvalidInput, exit);
        Assert.Empty(output);
        foreach (string name in new[] { "STATUS_TOKEN", "EU_WEST_TOKEN", "US_EAST_TOKEN", "AP_SOUTHEAST_TOKEN", "EU_WEST_HOOK_SECRET", "US_EAST_HOOK_SECRET", "AP_SOUTHEAST_HOOK_SECRET" })
        {
            Assert.Contains($"{topology}: ", error, StringComparison.Ordinal);
            Assert.Contains($"environment variable {prefix}{name} is not set", error, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory.Combine(".data")), "serve opened its data directory");
    }

    [Fact]
    public async Task Serve_MalformedWhsecWebhookSecret_Exit2NamingTheWebhookNotTheValue()
    {
        string topology = await WriteTopologyAsync();
        foreach (string name in new[] { "STATUS_TOKEN", "EU_WEST_TOKEN", "US_EAST_TOKEN", "AP_SOUTHEAST_TOKEN", "US_EAST_HOOK_SECRET", "AP_SOUTHEAST_HOOK_SECRET" })
        {
            Environment.SetEnvironmentVariable(prefix + name, $"value-of-{name}");
        }

        Environment.SetEnvironmentVariable(prefix + "EU_WEST_HOOK_SECRET", "whsec_not*base64");

        (int exit, _, string error) = await RunAsync("serve", "--topology", topology, "--listen", "http://127.0.0.1:0");

        Assert.Equal(GeoSyncCli.InvalidInput, exit);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"webhook eu-west-deploy secret: secret env:{prefix}EU_WEST_HOOK_SECRET: a secret starting with 'whsec_' must continue with base64", line, StringComparison.Ordinal);
        Assert.DoesNotContain("not*base64", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory.Combine(".data")), "serve opened its data directory");
    }

    [Theory]
    [InlineData("status")]
    [InlineData("resync")]
    [InlineData("deliveries")]
    public async Task ClientCommand_StatusTokenUnset_Exit2NamingTheVariableWithoutAStackTrace(string command)
    {
        string topology = await WriteTopologyAsync();

        (int exit, _, string error) = await RunAsync(command, "--topology", topology, "--server", "http://127.0.0.1:9");

        Assert.Equal(GeoSyncCli.InvalidInput, exit);
        Assert.Equal(
            $"{topology}: engine statusToken: secret env:{prefix}STATUS_TOKEN: environment variable {prefix}STATUS_TOKEN is not set",
            error.TrimEnd());
    }

    /// <summary>The default topology, its secret references renamed to this test's variables, data beside it.</summary>
    private async Task<string> WriteTopologyAsync()
    {
        string file = directory.Combine("topology.json");
        string text = (await File.ReadAllTextAsync(TopologyCliFiles.DefaultTopology)).Replace("env:GEOSYNC_", "env:" + prefix, StringComparison.Ordinal);
        await File.WriteAllTextAsync(file, text);
        return file;
    }

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        // A serve that starts despite the problem runs until stopped: the test fails on its exit code, not by hanging.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        int exit = await GeoSyncCli.RunAsync(args, output, error, timeout.Token);
        return (exit, output.ToString(), error.ToString());
    }
}
