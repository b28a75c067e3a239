using System.CommandLine;
using System.Text.Json;
using GeoSync.Host.Client;
using GeoSync.Host.Links;
using Spectre.Console;

namespace GeoSync.Host.Cli;

/// <summary><c>geosync links [--days N] [--json]</c>: bytes copied and egress cost per link and UTC day, then per link.</summary>
internal static class LinksCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var daysOption = new Option<int>("--days") { Description = $"How many UTC days back, today included (1 to {LinkReportReader.MaxDays}).", DefaultValueFactory = _ => 7 };
        var jsonOption = new Option<bool>("--json") { Description = "Print the totals as JSON." };
        var serverOption = CliServer.Option();
        Option<string> topologyOption = CliTopology.Option();
        var command = new Command("links", "Show the bytes copied and their egress cost per link and day.") { daysOption, jsonOption, serverOption, topologyOption };
        command.SetAction(async (parse, cancellationToken) =>
        {
            int days = parse.GetValue(daysOption);
            if (days is < 1 or > LinkReportReader.MaxDays)
            {
                await error.WriteLineAsync($"--days {days}: must be between 1 and {LinkReportReader.MaxDays}").ConfigureAwait(false);
                return GeoSyncCli.InvalidInput;
            }

            if (await CliEngine.ResolveAsync(parse, serverOption, topologyOption, error, cancellationToken).ConfigureAwait(false) is not { } engine)
            {
                return GeoSyncCli.InvalidInput;
            }

            try
            {
                using var http = new HttpClient { BaseAddress = engine.BaseAddress };
                LinkReport report = await new GeoSyncClient(http).GetLinksAsync(days, engine.StatusToken, cancellationToken).ConfigureAwait(false);
                if (parse.GetValue(jsonOption))
                {
                    await output.WriteLineAsync(JsonSerializer.Serialize(report, Json)).ConfigureAwait(false);
                }
                else if (report.Days.Count == 0)
                {
                    await output.WriteLineAsync($"No bytes were copied between regions over the last {days} days.").ConfigureAwait(false);
                }
                else
                {
                    IAnsiConsole console = CliConsole.Create(output);
                    console.Write(LinksTable.Days(report));
                    console.Write(LinksTable.Totals(report, $"egress per link over {days} days"));
                }

                return GeoSyncCli.Success;
            }
            catch (Exception ex) when (ex is HttpRequestException or GeoSyncApiException)
            {
                await error.WriteLineAsync($"links: {engine.Failure(ex)}").ConfigureAwait(false);
                return GeoSyncCli.NotSatisfied;
            }
        });
        return command;
    }
}
