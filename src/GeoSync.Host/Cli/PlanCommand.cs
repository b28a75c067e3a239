using System.CommandLine;
using System.Text.Json;
using GeoSync.Domain.Content;
using GeoSync.Domain.Names;
using GeoSync.Domain.Replication;
using GeoSync.Host.Client;
using GeoSync.Host.Planning;

namespace GeoSync.Host.Cli;

/// <summary>
/// <c>geosync plan [REPOSITORY[:TAG]] [--region R] [--json]</c>: asks the running engine what a resync would copy
/// into each target region, from which source, and what the egress would cost, without copying anything. Exit code 0,
/// 1 when an image could not be planned (or the engine does not answer), 2 on bad input.
/// </summary>
internal static class PlanCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new DigestJsonConverter() } };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var referenceArgument = new Argument<string?>("reference") { Description = "REPOSITORY or REPOSITORY:TAG (default: everything).", Arity = ArgumentArity.ZeroOrOne };
        var regionOption = new Option<string?>("--region") { Description = "Only this target region." };
        var jsonOption = new Option<bool>("--json") { Description = "Print the plan as JSON." };
        var serverOption = CliServer.Option();
        Option<string> topologyOption = CliTopology.Option();
        var command = new Command("plan", "Show what a resync would copy into each region, from where, and its egress cost; nothing is written.")
        {
            referenceArgument, regionOption, jsonOption, serverOption, topologyOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (await CliReference.ReadOptionalAsync(parse.GetValue(referenceArgument), error).ConfigureAwait(false) is not var (repository, tag))
            {
                return GeoSyncCli.InvalidInput;
            }

            if (await CliEngine.ResolveAsync(parse, serverOption, topologyOption, error, cancellationToken).ConfigureAwait(false) is not { } engine)
            {
                return GeoSyncCli.InvalidInput;
            }

            try
            {
                using var http = new HttpClient { BaseAddress = engine.BaseAddress };
                SyncPlan plan = await new GeoSyncClient(http).PlanAsync(new PlanRequest(repository, tag, parse.GetValue(regionOption)), engine.StatusToken, cancellationToken).ConfigureAwait(false);
                if (parse.GetValue(jsonOption))
                {
                    await output.WriteLineAsync(JsonSerializer.Serialize(plan, Json)).ConfigureAwait(false);
                }
                else
                {
                    CliConsole.Create(output).Write(PlanTable.Build(plan));
                }

                return plan.Regions.Any(r => r.Problems.Count > 0) ? GeoSyncCli.NotSatisfied : GeoSyncCli.Success;
            }
            catch (GeoSyncApiException ex) when (ex.Status == 400)
            {
                await error.WriteLineAsync($"plan: {TerminalText.Plain(ex.Detail)}").ConfigureAwait(false);
                return GeoSyncCli.InvalidInput;
            }
            catch (Exception ex) when (ex is HttpRequestException or GeoSyncApiException)
            {
                await error.WriteLineAsync($"plan: {engine.Failure(ex)}").ConfigureAwait(false);
                return GeoSyncCli.NotSatisfied;
            }
        });
        return command;
    }
}
