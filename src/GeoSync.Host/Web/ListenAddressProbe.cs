using System.Net;
using System.Net.Sockets;

namespace GeoSync.Host.Web;

/// <summary>
/// Finds out whether a node's listen address is free before the node opens its database or starts its silo, so a
/// second <c>serve</c> on a busy port stops with one line instead of opening the running instance's files first.
/// </summary>
public static class ListenAddressProbe
{
    /// <summary>Why <paramref name="listenUrls"/> (one URL or several separated by <c>;</c>, as Kestrel takes them) cannot be listened on; null when they can.</summary>
    public static string? Problem(string listenUrls)
    {
        ArgumentNullException.ThrowIfNull(listenUrls);
        foreach (string url in listenUrls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException)
            {
                return $"'{url}' is not a listen URL (e.g. http://127.0.0.1:5080)";
            }

            if (address.Port != 0 && InUse(EndpointOf(address)))
            {
                return $"{url} is already in use (another geosync serve?): stop it, or listen elsewhere with --listen or engine.listen";
            }
        }

        return null;
    }

    // Kestrel binds a host name other than localhost on every interface.
    private static IPEndPoint EndpointOf(BindingAddress address) =>
        new(address.Host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(address.Host.Trim('[', ']'), out IPAddress? ip) ? ip : IPAddress.Any, address.Port);

    private static bool InUse(IPEndPoint endpoint)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        // As Kestrel does: a port left in TIME_WAIT by a stopped engine is free, only a listening socket holds it.
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            socket.Bind(endpoint);
            return false;
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            return true;
        }
    }
}
