using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using GeoSync.Domain.Names;
using GeoSync.Host.Client;
using GeoSync.Host.Status;
using Spectre.Console;

namespace GeoSync.Host.Cli;

/// <summary>
/// Events GeoSync gave up on (their content was missing at the source past <c>engine.abandonAfter</c>):
/// <c>geosync events abandoned</c> lists them; <c>geosync events retry TARGET</c> has them tried again and
/// <c>geosync events drop TARGET</c> removes them, where TARGET is an event id, a REPOSITORY or a REPOSITORY:TAG.
/// </summary>
internal static class EventsCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var serverOption = CliServer.Option(recursive: true);
        Option<string> topologyOption = CliTopology.Option();
        topologyOption.Recursive = true;
        var regionOption = new Option<string?>("--region") { Description = "Only this region's abandoned events.", Recursive = true };
        var command = new Command("events", "Events GeoSync gave up on: list, retry or drop them.") { serverOption, topologyOption, regionOption };

        var repositoryOption = new Option<string?>("--repository") { Description = "Only this repository's abandoned events." };
        var jsonOption = new Option<bool>("--json") { Description = "Print the events as JSON." };
        var abandoned = new Command("abandoned", "List the events whose content was missing at its source for too long (state Abandoned).") { repositoryOption, jsonOption };
        abandoned.SetAction((parse, cancellationToken) => RunAsync(parse, serverOption, topologyOption, "events abandoned", error, async (client, token) =>
        {
            AbandonedEventList list = await client.ListAbandonedAsync(parse.GetValue(repositoryOption), parse.GetValue(regionOption), token, cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(jsonOption))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(list, Json)).ConfigureAwait(false);
            }
            else if (list.Events.Count == 0)
            {
                await output.WriteLineAsync("No abandoned event.").ConfigureAwait(false);
            }
            else
            {
                CliConsole.Create(output).Write(Table(list));
            }

            return GeoSyncCli.Success;
        }, cancellationToken));
        command.Subcommands.Add(abandoned);
        command.Subcommands.Add(Change("retry", "Try abandoned events again (e.g. once their content is in the source).", "retried", (c, s, t, ct) => c.RetryAbandonedAsync(s, t, ct)));
        command.Subcommands.Add(Change("drop", "Remove abandoned events for good; nothing else changes.", "dropped", (c, s, t, ct) => c.DropAbandonedAsync(s, t, ct)));
        return command;

        Command Change(string name, string description, string done, Func<GeoSyncClient, AbandonedEventsRequest, string?, CancellationToken, Task<int>> change)
        {
            var targetArgument = new Argument<string>("target") { Description = "An event id (from `geosync events abandoned`), a REPOSITORY or a REPOSITORY:TAG." };
            var sub = new Command(name, description) { targetArgument };
            sub.SetAction((parse, cancellationToken) => RunAsync(parse, serverOption, topologyOption, $"events {name}", error, async (client, token) =>
            {
                string target = parse.GetValue(targetArgument)!;
                string? region = parse.GetValue(regionOption);
                bool reference = CliReference.TryParse(target, requireTag: false, out RepositoryName repository, out Tag? tag, out string? problem);
                int count = 0;
                // An event id first: a registry's ids (UUIDs) are also valid repository names.
                if (!target.Contains(':', StringComparison.Ordinal) && !target.Contains('/', StringComparison.Ordinal))
                {
                    count = await NotFoundAsZeroAsync(() => change(client, new AbandonedEventsRequest(target, null, null, region), token, cancellationToken)).ConfigureAwait(false);
                }

                if (count == 0 && !reference)
                {
                    await error.WriteLineAsync($"events {name}: '{target}' is no abandoned event's id, nor a repository: {problem}").ConfigureAwait(false);
                    return GeoSyncCli.InvalidInput;
                }

                if (count == 0)
                {
                    count = await change(client, new AbandonedEventsRequest(null, repository.Value, tag?.Value, region), token, cancellationToken).ConfigureAwait(false);
                }

                await output.WriteLineAsync($"{done} {count} abandoned region{(count == 1 ? string.Empty : "s")} of {target}").ConfigureAwait(false);
                return GeoSyncCli.Success;
            }, cancellationToken));
            return sub;
        }
    }

    private static async Task<int> NotFoundAsZeroAsync(Func<Task<int>> change)
    {
        try
        {
            return await change().ConfigureAwait(false);
        }
        catch (GeoSyncApiException ex) when (ex.Status == 404)
        {
            return 0;
        }
    }

    private static async Task<int> RunAsync(
        ParseResult parse, Option<string?> serverOption, Option<string> topologyOption, string name, TextWriter error, Func<GeoSyncClient, string?, Task<int>> action, CancellationToken cancellationToken)
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
            await error.WriteLineAsync($"{name}: {TerminalText.Plain(ex.Detail)}").ConfigureAwait(false);
            return ex.Status == 400 ? GeoSyncCli.InvalidInput : GeoSyncCli.NotSatisfied;
        }
        catch (Exception ex) when (ex is HttpRequestException or GeoSyncApiException)
        {
            await error.WriteLineAsync($"{name}: {engine.Failure(ex)}").ConfigureAwait(false);
            return GeoSyncCli.NotSatisfied;
        }
    }

    private static Table Table(AbandonedEventList list)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (string column in new[] { "event", "image", "source", "regions", "missing since", "last error" })
        {
            table.AddColumn(column);
        }

        foreach (AbandonedEvent e in list.Events)
        {
            DateTimeOffset? since = e.Regions.Min(r => r.MissingSince);
            table.AddRow(
                TerminalText.Markup(e.EventId),
                TerminalText.Markup($"{e.Repository}:{e.Tag}@{Short(e.Digest)}"),
                TerminalText.Markup(e.SourceRegion),
                TerminalText.Markup(string.Join(", ", e.Regions.Select(r => r.Region))),
                since is { } s ? s.ToString("u", CultureInfo.InvariantCulture) : "-",
                TerminalText.Markup(e.Regions.Select(r => r.LastError).FirstOrDefault(m => m is not null) ?? "-"));
        }

        if (list.More)
        {
            table.Caption("more events than shown: narrow with --repository or --region");
        }

        return table;
    }

    private static string Short(string? digest) => digest is null ? "(deleted)" : digest.Length > 19 ? digest[..19] : digest;
}
