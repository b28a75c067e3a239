using System.Net;
using System.Net.Sockets;
using GeoSync.Testing.Azurite;

namespace GeoSync.Storage.Tests.Azure;

/// <summary>The Azurite fixture fails loudly, with Azurite's own output, when Azurite cannot start.</summary>
public sealed class AzuriteServerTests
{
    [Fact]
    public async Task Initialize_PortTaken_ThrowsNamingBinaryAndAzuriteOutput()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        int port = ((IPEndPoint)occupant.LocalEndpoint).Port;
        await using var azurite = new AzuriteServer { Port = port };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(azurite.InitializeAsync);

        Assert.Contains(AzuriteServer.BinaryPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("EADDRINUSE", error.Message, StringComparison.Ordinal);
    }
}
