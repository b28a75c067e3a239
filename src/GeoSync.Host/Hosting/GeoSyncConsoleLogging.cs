namespace GeoSync.Host.Hosting;

/// <summary>The log a node writes for its operator: one line per event, GeoSync's own from Information, libraries' from Warning.</summary>
public static class GeoSyncConsoleLogging
{
    /// <summary>
    /// Libraries whose Information lines come per request, per command or per call: Npgsql logs every command,
    /// Orleans every step of a silo's start, ASP.NET Core each request, Polly each Orleans placement call, and
    /// IHttpClientFactory four lines per outgoing request (with the whole exception when one fails; the webhook
    /// dispatcher logs one line per attempt itself).
    /// </summary>
    public static readonly string[] WarningOnly =
        ["Npgsql", "Orleans", "Microsoft.AspNetCore", "Microsoft.Hosting", "Polly", "System.Net.Http.HttpClient"];

    /// <summary>Writes single-line console logs at those levels.</summary>
    public static ILoggingBuilder AddGeoSyncConsole(this ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information);
        foreach (string category in WarningOnly)
        {
            logging.AddFilter(category, LogLevel.Warning);
        }

        return logging;
    }
}
