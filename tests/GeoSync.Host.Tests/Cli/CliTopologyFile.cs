using GeoSync.Host.Cli;
using GeoSync.Testing;

namespace GeoSync.Host.Tests.Cli;

/// <summary>
/// The default topology in a temporary directory (its data directory beside it), its secret references renamed to
/// variables of this instance only: tests run in parallel in one process and share its environment.
/// </summary>
internal sealed class CliTopologyFile : IDisposable
{
    /// <summary>The variables the default topology references, without their GEOSYNC_ prefix.</summary>
    public static readonly string[] SecretNames =
        ["STATUS_TOKEN", "EU_WEST_TOKEN", "US_EAST_TOKEN", "AP_SOUTHEAST_TOKEN", "EU_WEST_HOOK_SECRET", "US_EAST_HOOK_SECRET", "AP_SOUTHEAST_HOOK_SECRET"];

    private readonly TestDirectory directory = new("cli-topology");

    private CliTopologyFile()
    {
    }

    /// <summary>The prefix of this instance's variables; short, so error lines stay under the 200 characters a terminal line is cut at.</summary>
    public string Prefix { get; } = $"GS{Guid.NewGuid().ToString("N")[..8].ToUpperInvariant()}_";

    public string Path => directory.Combine("topology.json");

    /// <summary>The engine's data directory, which nothing may create before the engine starts.</summary>
    public string DataDirectory => directory.Combine(".data");

    public static async Task<CliTopologyFile> WriteAsync()
    {
        var file = new CliTopologyFile();
        string text = await File.ReadAllTextAsync(TopologyCliFiles.DefaultTopology);
        await File.WriteAllTextAsync(file.Path, text.Replace("env:GEOSYNC_", "env:" + file.Prefix, StringComparison.Ordinal));
        return file;
    }

    /// <summary>Sets every referenced variable (the hook secrets as plain values) except those in <paramref name="unset"/>.</summary>
    public void SetSecrets(params string[] unset)
    {
        foreach (string name in SecretNames.Except(unset))
        {
            Environment.SetEnvironmentVariable(Prefix + name, $"value-of-{name}");
        }
    }

    public void Dispose()
    {
        foreach (string name in SecretNames)
        {
            Environment.SetEnvironmentVariable(Prefix + name, null);
        }

        directory.Dispose();
    }

    /// <summary>Runs the CLI in this process; a command that would run until stopped is stopped after a minute.</summary>
    public static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        int exit = await GeoSyncCli.RunAsync(args, output, error, timeout.Token);
        return (exit, output.ToString(), error.ToString());
    }
}
