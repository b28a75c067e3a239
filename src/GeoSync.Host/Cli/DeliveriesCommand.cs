using System.CommandLine;
using System.Text.Json;
using GeoSync.Host.Client;
using GeoSync.Host.Status;
using Spectre.Console;

namespace GeoSync.Host.Cli;

/// <summary>
/// <c>geosync deliveries [--region R] [--repository X] [--state S] [--json]</c> lists deploy-webhook deliveries;
/// <c>geosync deliveries redeliver ID</c> queues one again (same <c>webhook-id</c>).
/// </summary>
internal static class DeliveriesCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var serverOption = CliServer.Option(recursive: true);
        Option<string> topologyOption = CliTopology.Option();
        topologyOption.Recursive = true;
        var regionOption = new Option<string?>("--region") { Description = "Only this region's deliveries." };
        var repositoryOption = new Option<string?>("--repository") { Description = "Only this repository's deliveries." };
        var stateOption = new Option<string?>("--state") { Description = "Pending, Delivered, Failed or Expired." };
        var jsonOption = new Option<bool>("--json") { Description = "Print the deliveries as JSON." };
        var command = new Command("deliveries", "List deploy-webhook deliveries and their attempts.")
        {
            serverOption, topologyOption, regionOption, repositoryOption, stateOption, jsonOption,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, serverOption, topologyOption, error, async (client, token) =>
        {
            IReadOnlyList<DeliveryStatus> deliveries = await client.ListDeliveriesAsync(
                parse.GetValue(regionOption), parse.GetValue(repositoryOption), parse.GetValue(stateOption), token, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(jsonOption))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(new DeliveryList(deliveries), Json)).ConfigureAwait(false);
            }
            else
            {
                CliConsole.Create(output).Write(Table(deliveries));
            }

            return GeoSyncCli.Success;
        }, cancellationToken));

        var idArgument = new Argument<string>("id") { Description = "The delivery's id (from `geosync deliveries`)." };
        var redeliver = new Command("redeliver", "Queue a delivery again, with the same webhook-id.") { idArgument };
        redeliver.SetAction((parse, cancellationToken) => RunAsync(parse, serverOption, topologyOption, error, async (client, token) =>
        {
            DeliveryStatus delivery = await client.RedeliverAsync(parse.GetValue(idArgument)!, token, cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync($"delivery {delivery.Id} ({delivery.Region}/{delivery.Endpoint}, webhook-id {delivery.WebhookId}) queued again").ConfigureAwait(false);
            return GeoSyncCli.Success;
        }, cancellationToken));
        command.Subcommands.Add(redeliver);
        return command;
    }

    private static async Task<int> RunAsync(
        ParseResult parse, Option<string?> serverOption, Option<string> topologyOption, TextWriter error, Func<GeoSyncClient, string?, Task<int>> action, CancellationToken cancellationToken)
    {
        if (await CliEngine.ResolveAsync(parse, serverOption, topologyOption, error, cancellationToken).ConfigureAwait(false) is not { } engine)
        {
            return GeoSyncCli.InvalidInput;
        }

        using var http = new HttpClient { BaseAddress = engine.BaseAddress };
        try
        {
            return await action(new GeoSyncClient(http), engine.StatusToken).ConfigureAwait(false);
        }
        catch (GeoSyncApiException ex) when (ex.Status is 400 or 404)
        {
            await error.WriteLineAsync($"deliveries: {TerminalText.Plain(ex.Detail)}").ConfigureAwait(false);
            return GeoSyncCli.InvalidInput;
        }
        catch (Exception ex) when (ex is HttpRequestException or GeoSyncApiException)
        {
            await error.WriteLineAsync($"deliveries: {engine.Failure(ex)}").ConfigureAwait(false);
            return GeoSyncCli.NotSatisfied;
        }
    }

    private static Table Table(IReadOnlyList<DeliveryStatus> deliveries)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (string column in new[] { "id", "region/endpoint", "image", "state", "attempts", "last" })
        {
            table.AddColumn(column);
        }

        foreach (DeliveryStatus d in deliveries)
        {
            string last = d.LastStatusCode is int code ? code.ToString(System.Globalization.CultureInfo.InvariantCulture) : d.LastError ?? "-";
            table.AddRow(
                TerminalText.Markup(d.Id),
                TerminalText.Markup($"{d.Region}/{d.Endpoint}"),
                TerminalText.Markup($"{d.Repository}:{d.Tag ?? d.Digest}"),
                TerminalText.Markup(d.State),
                d.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
                TerminalText.Markup(last));
        }

        return table;
    }
}
