using GeoSync.Host.Cli;

namespace GeoSync.Host.Tests.Cli;

/// <summary>Secrets a command needs are all read before anything is opened; every one that cannot be used is named in one error.</summary>
public sealed class SecretCheckCommandTests
{
    [Fact]
    public async Task Serve_EverySecretUnset_Exit2NamingEachBeforeOpeningTheDatabase()
    {
        using CliTopologyFile topology = await CliTopologyFile.WriteAsync();

        (int exit, string output, string error) = await CliTopologyFile.RunAsync("serve", "--topology", topology.Path, "--listen", "http://127.0.0.1:0");

        Assert.Equal(GeoSyncCli.InvalidInput, exit);
        Assert.Empty(output);
        Assert.Equal(CliTopologyFile.SecretNames.Length, error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        foreach (string name in CliTopologyFile.SecretNames)
        {
            Assert.Contains($"{topology.Path}: ", error, StringComparison.Ordinal);
            Assert.Contains($"environment variable {topology.Prefix}{name} is not set", error, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(topology.DataDirectory), "serve opened its data directory");
    }

    [Fact]
    public async Task Serve_MalformedWhsecWebhookSecret_Exit2NamingTheWebhookNotTheValue()
    {
        using CliTopologyFile topology = await CliTopologyFile.WriteAsync();
        topology.SetSecrets(unset: "EU_WEST_HOOK_SECRET");
        Environment.SetEnvironmentVariable(topology.Prefix + "EU_WEST_HOOK_SECRET", "whsec_not*base64");

        (int exit, _, string error) = await CliTopologyFile.RunAsync("serve", "--topology", topology.Path, "--listen", "http://127.0.0.1:0");

        Assert.Equal(GeoSyncCli.InvalidInput, exit);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(
            $"webhook eu-west-deploy secret: secret env:{topology.Prefix}EU_WEST_HOOK_SECRET: a secret starting with 'whsec_' must continue with base64",
            line,
            StringComparison.Ordinal);
        Assert.DoesNotContain("not*base64", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(topology.DataDirectory), "serve opened its data directory");
    }

    [Theory]
    [InlineData("status")]
    [InlineData("resync")]
    [InlineData("deliveries")]
    public async Task ClientCommand_StatusTokenUnset_Exit2NamingTheVariableWithoutAStackTrace(string command)
    {
        using CliTopologyFile topology = await CliTopologyFile.WriteAsync();

        (int exit, _, string error) = await CliTopologyFile.RunAsync(command, "--topology", topology.Path, "--server", "http://127.0.0.1:9");

        Assert.Equal(GeoSyncCli.InvalidInput, exit);
        Assert.Equal(
            $"{topology.Path}: engine statusToken: secret env:{topology.Prefix}STATUS_TOKEN: environment variable {topology.Prefix}STATUS_TOKEN is not set",
            error.TrimEnd());
    }
}
