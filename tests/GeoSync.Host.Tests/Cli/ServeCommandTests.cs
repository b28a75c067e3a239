using System.Net;
using System.Net.Sockets;
using GeoSync.Host.Cli;

namespace GeoSync.Host.Tests.Cli;

/// <summary><c>geosync serve</c> refuses to start, in one line and before opening anything, where it could not serve.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_PortAlreadyInUse_OneLineExit2BeforeOpeningTheDatabase()
    {
        using CliTopologyFile topology = await CliTopologyFile.WriteAsync();
        topology.SetSecrets();
        using var running = new TcpListener(IPAddress.Loopback, 0);
        running.Start();
        string url = $"http://127.0.0.1:{((IPEndPoint)running.LocalEndpoint).Port}";

        (int exit, string output, string error) = await CliTopologyFile.RunAsync("serve", "--topology", topology.Path, "--listen", url);

        Assert.Equal(GeoSyncCli.InvalidInput, exit);
        Assert.Empty(output);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"geosync serve: {url} is already in use", line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(topology.DataDirectory), "serve opened its data directory");
    }

    [Fact]
    public async Task Serve_ListenNotAUrl_OneLineExit2()
    {
        using CliTopologyFile topology = await CliTopologyFile.WriteAsync();
        topology.SetSecrets();

        (int exit, _, string error) = await CliTopologyFile.RunAsync("serve", "--topology", topology.Path, "--listen", "127.0.0.1 port 80");

        Assert.Equal(GeoSyncCli.InvalidInput, exit);
        Assert.Equal("geosync serve: '127.0.0.1 port 80' is not a listen URL (e.g. http://127.0.0.1:5080)", error.TrimEnd());
        Assert.False(Directory.Exists(topology.DataDirectory), "serve opened its data directory");
    }
}
