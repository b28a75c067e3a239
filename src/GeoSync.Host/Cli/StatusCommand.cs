using System.CommandLine;
using System.Text.Json;
using GeoSync.Domain.Names;
using GeoSync.Host.Client;
using GeoSync.Host.Status;
using Spectre.Console;

namespace GeoSync.Host.Cli;

/// <summary>
/// <c>geosync status [REPOSITORY[:TAG]] [--server URL] [--json] [--watch]</c>: the tags × regions table of a running
/// engine. Exit code 0 when everything selected is Synced or Deleted, 1 otherwise (or when the engine does not
/// answer), 2 on bad input. <c>--watch</c> redraws until everything selected is settled or Failed, or the timeout.
/// </summary>
internal static class StatusCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var referenceArgument = new Argument<string?>("reference") { Description = "REPOSITORY or REPOSITORY:TAG (default: every repository).", Arity = ArgumentArity.ZeroOrOne };
        var serverOption = CliServer.Option();
        var jsonOption = new Option<bool>("--json") { Description = "Print the status as JSON." };
        var watchOption = new Option<bool>("--watch", "-w") { Description = "Refresh until everything selected is Synced, Deleted or Failed." };
        var timeoutOption = new Option<TimeSpan>("--timeout") { Description = "How long --watch waits (default 10 minutes).", DefaultValueFactory = _ => TimeSpan.FromMinutes(10) };
        var intervalOption = new Option<TimeSpan>("--interval") { Description = "How often --watch refreshes (default 1 second).", DefaultValueFactory = _ => TimeSpan.FromSeconds(1) };
        Option<string> topologyOption = CliTopology.Option();
        var command = new Command("status", "Show where each tag stands in each region.")
        {
            referenceArgument, serverOption, jsonOption, watchOption, timeoutOption, intervalOption, topologyOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string? repository = null;
            string? tag = null;
            if (parse.GetValue(referenceArgument) is { } reference)
            {
                if (!CliReference.TryParse(reference, requireTag: false, out RepositoryName name, out Tag? parsedTag, out string? problem))
                {
                    await error.WriteLineAsync($"reference '{reference}': {problem}").ConfigureAwait(false);
                    return GeoSyncCli.InvalidInput;
                }

                repository = name.Value;
                tag = parsedTag?.Value;
            }

            TimeSpan timeout = parse.GetValue(timeoutOption);
            TimeSpan interval = parse.GetValue(intervalOption);
            if (timeout <= TimeSpan.Zero || interval <= TimeSpan.Zero)
            {
                await error.WriteLineAsync("--timeout and --interval must be positive").ConfigureAwait(false);
                return GeoSyncCli.InvalidInput;
            }

            if (await CliEngine.ResolveAsync(parse, serverOption, topologyOption, error, cancellationToken).ConfigureAwait(false) is not { } engine)
            {
                return GeoSyncCli.InvalidInput;
            }

            using var http = new HttpClient { BaseAddress = engine.BaseAddress };
            var selection = new StatusSelection(new GeoSyncClient(http), engine.StatusToken, repository, tag);
            IReadOnlyList<string>? regions = engine.Topology?.Regions.Select(r => r.Name).ToArray();
            try
            {
                IReadOnlyList<RepositoryStatus> statuses = parse.GetValue(watchOption)
                    ? await WatchAsync(selection, regions, output, timeout, interval, parse.GetValue(jsonOption), cancellationToken).ConfigureAwait(false)
                    : await selection.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (parse.GetValue(jsonOption))
                {
                    await output.WriteLineAsync(JsonSerializer.Serialize(new { repositories = statuses, settled = selection.AllSettled(statuses) }, Json)).ConfigureAwait(false);
                }
                else if (!parse.GetValue(watchOption))
                {
                    Console(output).Write(StatusTable.Build(statuses, regions));
                }

                return selection.AllSettled(statuses) ? GeoSyncCli.Success : GeoSyncCli.NotSatisfied;
            }
            catch (Exception ex) when (ex is HttpRequestException or GeoSyncApiException)
            {
                await error.WriteLineAsync($"status: {engine.Failure(ex)}").ConfigureAwait(false);
                return GeoSyncCli.NotSatisfied;
            }
        });
        return command;
    }

    private static async Task<IReadOnlyList<RepositoryStatus>> WatchAsync(
        StatusSelection selection, IReadOnlyList<string>? regions, TextWriter output, TimeSpan timeout, TimeSpan interval, bool json, CancellationToken cancellationToken)
    {
        IReadOnlyList<RepositoryStatus> statuses = await selection.ReadAsync(cancellationToken).ConfigureAwait(false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        if (json)
        {
            // Scripts want the final state only: poll quietly.
            while (!selection.Finished(statuses) && await DelayAsync(interval, deadline.Token).ConfigureAwait(false))
            {
                statuses = await selection.ReadAsync(cancellationToken).ConfigureAwait(false);
            }

            return statuses;
        }

        await Console(output).Live(StatusTable.Build(statuses, regions)).StartAsync(async live =>
        {
            while (!selection.Finished(statuses) && await DelayAsync(interval, deadline.Token).ConfigureAwait(false))
            {
                statuses = await selection.ReadAsync(cancellationToken).ConfigureAwait(false);
                live.UpdateTarget(StatusTable.Build(statuses, regions));
            }
        }).ConfigureAwait(false);
        return statuses;
    }

    private static async Task<bool> DelayAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>A Spectre console on <paramref name="output"/>; wide when redirected, so scripts and logs get whole rows.</summary>
    internal static IAnsiConsole Console(TextWriter output)
    {
        var target = new AnsiConsoleOutput(output);
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = target });
        if (!target.IsTerminal)
        {
            console.Profile.Width = 240;
        }

        return console;
    }
}
