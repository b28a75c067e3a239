using System.CommandLine;
using System.Text.Json;
using GeoSync.Domain.Names;
using GeoSync.Host.Client;
using GeoSync.Host.Status;
using Spectre.Console;

namespace GeoSync.Host.Cli;

/// <summary>
/// <c>geosync status [REPOSITORY[:TAG]] [--match GLOB] [--state STATE] [--server URL] [--json] [--watch]</c>: the tags ×
/// regions table of a running engine; without a repository, a summary per region and the repositories that need
/// attention (a page of them). Exit code 0 when everything selected is Synced or Deleted, 3 when all that is left was
/// given up on (Abandoned: see <c>geosync events</c>), 1 otherwise (or when the engine does not answer), 2 on bad input. <c>--watch</c> redraws until nothing selected is moving (a failure with a retry scheduled still is), or the timeout.
/// </summary>
internal static class StatusCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var referenceArgument = new Argument<string?>("reference") { Description = "REPOSITORY or REPOSITORY:TAG (default: a summary per region and the repositories that need attention).", Arity = ArgumentArity.ZeroOrOne };
        var matchOption = new Option<string?>("--match") { Description = "Without REPOSITORY: only repositories matching this glob, e.g. team/**." };
        var stateOption = new Option<string?>("--state") { Description = "Without REPOSITORY: repositories with a region in this state (Pending, Copying, Synced, Failed, Deleted, Abandoned; default attention: any with work left)." };
        var serverOption = CliServer.Option();
        var jsonOption = new Option<bool>("--json") { Description = "Print the status as JSON." };
        var watchOption = new Option<bool>("--watch", "-w") { Description = "Refresh until everything selected is Synced or Deleted, or has failed with no retry left (waits through retries)." };
        Option<TimeSpan> timeoutOption = CliDuration.Option("--timeout", "How long --watch waits, e.g. 10m or 00:10:00.", TimeSpan.FromMinutes(10));
        Option<TimeSpan> intervalOption = CliDuration.Option("--interval", "How often --watch refreshes, e.g. 1s or 500ms.", TimeSpan.FromSeconds(1));
        Option<string> topologyOption = CliTopology.Option();
        var command = new Command("status", "Show where each tag stands in each region.")
        {
            referenceArgument, matchOption, stateOption, serverOption, jsonOption, watchOption, timeoutOption, intervalOption, topologyOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (await CliReference.ReadOptionalAsync(parse.GetValue(referenceArgument), error).ConfigureAwait(false) is not var (repository, tag))
            {
                return GeoSyncCli.InvalidInput;
            }

            if (StatusListing.Read(parse.GetValue(matchOption), parse.GetValue(stateOption), repository is not null) is not { } listing)
            {
                await error.WriteLineAsync(StatusListing.Problem(parse.GetValue(matchOption), parse.GetValue(stateOption), repository is not null)).ConfigureAwait(false);
                return GeoSyncCli.InvalidInput;
            }

            TimeSpan timeout = parse.GetValue(timeoutOption);
            TimeSpan interval = parse.GetValue(intervalOption);
            if (await CliEngine.ResolveAsync(parse, serverOption, topologyOption, error, cancellationToken).ConfigureAwait(false) is not { } engine)
            {
                return GeoSyncCli.InvalidInput;
            }

            using var http = new HttpClient { BaseAddress = engine.BaseAddress };
            var client = new GeoSyncClient(http);
            var selection = new StatusSelection(client, engine.StatusToken, repository, tag, listing);
            IReadOnlyList<string>? regions = engine.Topology?.Regions.Select(r => r.Name).ToArray();
            try
            {
                bool json = parse.GetValue(jsonOption);
                IAnsiConsole console = CliConsole.Create(output);
                // Redrawing needs cursor codes: JSON, files and pipes get the final state only.
                IAnsiConsole? live = !json && console.Profile.Capabilities.Ansi ? console : null;
                IReadOnlyList<RepositoryStatus> statuses = parse.GetValue(watchOption)
                    ? await new StatusWatch(selection, regions, timeout, interval).RunAsync(live, cancellationToken).ConfigureAwait(false)
                    : await selection.ReadAsync(cancellationToken).ConfigureAwait(false);
                // Abandoned regions have no work left, so the attention page does not list their repositories: they are asked for apart.
                bool settled = selection.AllSettled(statuses);
                bool abandoned = selection.OnlyAbandonedLeft(statuses) || (settled && repository is null && await selection.AnyAbandonedAsync(cancellationToken).ConfigureAwait(false));
                if (repository is null)
                {
                    IReadOnlyList<RegionOverview> overview = await client.ListRegionsAsync(engine.StatusToken, cancellationToken).ConfigureAwait(false);
                    long more = await selection.CountMoreAsync(cancellationToken).ConfigureAwait(false);
                    Links.LinkReport links = await client.GetLinksAsync(1, engine.StatusToken, cancellationToken).ConfigureAwait(false);
                    if (json)
                    {
                        await output.WriteLineAsync(JsonSerializer.Serialize(new { regions = overview, repositories = statuses, more, settled = settled && !abandoned, abandoned, links = links.Totals }, Json)).ConfigureAwait(false);
                    }
                    else
                    {
                        console.Write(StatusSummary.Build(overview, statuses, more, DateTimeOffset.UtcNow, abandoned));
                        if (links.Totals.Count > 0)
                        {
                            console.Write(LinksTable.Totals(links, "egress today (UTC)"));
                        }
                    }
                }
                else if (json)
                {
                    await output.WriteLineAsync(JsonSerializer.Serialize(new { repositories = statuses, settled, abandoned }, Json)).ConfigureAwait(false);
                }
                else if (live is null || !parse.GetValue(watchOption))
                {
                    console.Write(StatusTable.Build(statuses, regions, DateTimeOffset.UtcNow));
                }

                return settled && !abandoned ? GeoSyncCli.Success : abandoned ? GeoSyncCli.Abandoned : GeoSyncCli.NotSatisfied;
            }
            catch (Exception ex) when (ex is HttpRequestException or GeoSyncApiException)
            {
                await error.WriteLineAsync($"status: {engine.Failure(ex)}").ConfigureAwait(false);
                return GeoSyncCli.NotSatisfied;
            }
        });
        return command;
    }
}
