using System.CommandLine;
using GeoSync.Domain.Topology;
using GeoSync.Host.Hosting;
using GeoSync.Host.Web;

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

            var node = new GeoSyncNode(topology);
            if (!await CliSecrets.ReportAsync(topology, NodeSecretCheck.Problems(node), error).ConfigureAwait(false))
            {
                return GeoSyncCli.InvalidInput;
            }

            string listen = parse.GetValue(listenOption) ?? topology.Engine.Listen;
            if (ListenAddressProbe.Problem(listen) is { } problem)
            {
                await error.WriteLineAsync($"geosync serve: {TerminalText.Plain(problem)}").ConfigureAwait(false);
                return GeoSyncCli.InvalidInput;
            }

            WebApplication app;
            try
            {
                WebApplicationBuilder builder = GeoSyncWebHost.CreateBuilder(node, listen);
                builder.Logging.AddGeoSyncConsole();
                app = GeoSyncWebHost.Build(builder);
            }
            catch (SecretResolutionException ex)
            {
                await error.WriteLineAsync($"{topology.File}: {ex.Message}").ConfigureAwait(false);
                return GeoSyncCli.InvalidInput;
            }
            catch (TopologyValidationException ex)
            {
                foreach (TopologyError topologyError in ex.Errors)
                {
                    await error.WriteLineAsync(TerminalText.Plain(topologyError.ToString())).ConfigureAwait(false);
                }

                return GeoSyncCli.InvalidInput;
            }

            await using (app.ConfigureAwait(false))
            {
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
