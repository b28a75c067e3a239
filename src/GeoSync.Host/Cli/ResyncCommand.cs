using System.CommandLine;
using GeoSync.Domain.Names;
using GeoSync.Host.Client;

namespace GeoSync.Host.Cli;

/// <summary><c>geosync resync [REPOSITORY[:TAG]]</c>: asks the running engine to compare the stores and replicate the difference.</summary>
internal static class ResyncCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var referenceArgument = new Argument<string?>("reference") { Description = "REPOSITORY or REPOSITORY:TAG (default: everything).", Arity = ArgumentArity.ZeroOrOne };
        var serverOption = CliServer.Option();
        Option<string> topologyOption = CliTopology.Option();
        var command = new Command("resync", "Reconcile source and target stores and replicate what is missing.") { referenceArgument, serverOption, topologyOption };
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
                int replanned = await new GeoSyncClient(http).ResyncAsync(repository, tag, engine.StatusToken, cancellationToken).ConfigureAwait(false);
                await output.WriteLineAsync($"resync: {replanned} tags re-planned").ConfigureAwait(false);
                return GeoSyncCli.Success;
            }
            catch (Exception ex) when (ex is HttpRequestException or GeoSyncApiException)
            {
                await error.WriteLineAsync($"resync: {engine.Failure(ex)}").ConfigureAwait(false);
                return GeoSyncCli.NotSatisfied;
            }
        });
        return command;
    }
}
