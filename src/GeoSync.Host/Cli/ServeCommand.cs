using System.CommandLine;
using GeoSync.Domain.Topology;
using GeoSync.Grains.Secrets;
using GeoSync.Host.Engine;
using GeoSync.Host.Web;
using Microsoft.Extensions.Logging;

namespace GeoSync.Host.Cli;

/// <summary><c>geosync serve</c>: runs the engine and its HTTP API until stopped.</summary>
internal static class ServeCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        Option<string> topologyOption = CliTopology.Option();
        var listenOption = new Option<string>("--listen") { Description = "Override the topology's engine.listen URL." };
        var command = new Command("serve", "Run the GeoSync engine: event intake, replication, status API.") { topologyOption, listenOption };
        command.SetAction(async (parse, cancellationToken) =>
        {
            RegionTopology? topology = await CliTopology.LoadAsync(parse.GetValue(topologyOption), error, cancellationToken).ConfigureAwait(false);
            if (topology is null)
            {
                return GeoSyncCli.InvalidInput;
            }

            // GeoSync's own lines from Information; the libraries' only from Warning (Npgsql logs every command it runs at
            // Information, Orleans every step of a silo's start).
            using ILoggerFactory loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true)
                .SetMinimumLevel(LogLevel.Information)
                .AddFilter("Npgsql", LogLevel.Warning)
                .AddFilter("Orleans", LogLevel.Warning));
            GeoSyncEngine engine;
            try
            {
                engine = await GeoSyncEngine.StartAsync(topology, loggerFactory, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (SecretResolutionException ex)
            {
                await error.WriteLineAsync($"{topology.File}: {ex.Message}").ConfigureAwait(false);
                return GeoSyncCli.InvalidInput;
            }

            await using (engine.ConfigureAwait(false))
            {
                // Kestrel and routing log each request at Information: from Warning, as for the other libraries.
                await using WebApplication app = GeoSyncWebHost.Build(engine, parse.GetValue(listenOption), b => b.AddSimpleConsole(o => o.SingleLine = true).AddFilter("Microsoft.AspNetCore", LogLevel.Warning));
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"geosync: serving {topology} on {string.Join(", ", app.Urls)}").ConfigureAwait(false);
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }

                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            }

            return GeoSyncCli.Success;
        });
        return command;
    }
}
