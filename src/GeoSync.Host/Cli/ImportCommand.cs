using System.CommandLine;
using GeoSync.Domain.Names;
using GeoSync.Domain.Topology;
using GeoSync.Host.Client;

using GeoSync.Host.Import;
using GeoSync.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace GeoSync.Host.Cli;

/// <summary>
/// <c>geosync import LAYOUT REPOSITORY:TAG --region NAME</c>: writes an OCI image layout into a region's store, then
/// tells the running engine, as the region's registry would, so the image replicates (seeding, air-gapped moves).
/// </summary>
internal static class ImportCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var layoutArgument = new Argument<string>("layout") { Description = "OCI image layout directory." };
        var referenceArgument = new Argument<string>("reference") { Description = "REPOSITORY:TAG to import as." };
        var regionOption = new Option<string>("--region") { Description = "The region whose store receives the image.", Required = true };
        var nameOption = new Option<string?>("--ref") { Description = "Which entry of the layout's index.json (its org.opencontainers.image.ref.name); default: the only one." };
        Option<string?> serverOption = CliServer.Option();
        serverOption.Description = "The engine's URL (default: the topology's engine.listen).";
        var noNotifyOption = new Option<bool>("--no-notify") { Description = "Only write the store; replicate later with 'geosync resync'." };
        Option<string> topologyOption = CliTopology.Option();
        var command = new Command("import", "Import an OCI image layout into a region and replicate it.")
        {
            layoutArgument, referenceArgument, regionOption, nameOption, serverOption, noNotifyOption, topologyOption,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            RegionTopology? topology = await CliTopology.LoadAsync(parse.GetValue(topologyOption), error, cancellationToken).ConfigureAwait(false);
            if (topology is null)
            {
                return GeoSyncCli.InvalidInput;
            }

            string reference = parse.GetValue(referenceArgument)!;
            if (!CliReference.TryParse(reference, requireTag: true, out RepositoryName repository, out Tag? tag, out string? problem))
            {
                await error.WriteLineAsync($"reference '{reference}': {problem}").ConfigureAwait(false);
                return GeoSyncCli.InvalidInput;
            }

            string regionName = parse.GetValue(regionOption)!;
            if (!topology.TryGetRegion(regionName, out Region? region))
            {
                await error.WriteLineAsync($"--region: the topology {topology.File} has no region '{regionName}'").ConfigureAwait(false);
                return GeoSyncCli.InvalidInput;
            }

            string baseDirectory = Path.GetDirectoryName(Path.GetFullPath(topology.File))!;
            var secrets = new SecretResolver(baseDirectory);
            // Every secret the import needs is read before the store is written, so a missing one leaves nothing half done.
            var problems = new List<string>();
            if (region.Store is AzureStoreSettings azure)
            {
                _ = CliSecrets.TryResolve(secrets, $"region {region.Name} store connectionString", azure.ConnectionString, problems);
            }

            bool notify = !parse.GetValue(noNotifyOption);
            string? regionToken = notify && region.Registry.NotificationToken is { } tokenReference
                ? CliSecrets.TryResolve(secrets, $"region {region.Name} notificationToken", tokenReference, problems)
                : null;
            if (!await CliSecrets.ReportAsync(topology, problems, error).ConfigureAwait(false))
            {
                return GeoSyncCli.InvalidInput;
            }

            ImportResult result;
            try
            {
                IRegionStore store = new RegionStoreFactory(baseDirectory, secrets, NullLoggerFactory.Instance).Open(region);
                result = await OciLayoutImporter.ImportAsync(parse.GetValue(layoutArgument)!, parse.GetValue(nameOption), store, repository, tag!.Value, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is InvalidDataException or FormatException or SecretResolutionException or RegionStoreException or IOException)
            {
                await error.WriteLineAsync($"import failed: {TerminalText.Plain(ex.Message)}").ConfigureAwait(false);
                return GeoSyncCli.InvalidInput;
            }

            await output.WriteLineAsync($"imported {repository}:{tag} ({result.Root.Digest}) into {region.Name}: {result.Blobs} blobs, {result.BytesWritten} bytes written").ConfigureAwait(false);
            if (!notify)
            {
                return GeoSyncCli.Success;
            }

            if (regionToken is null)
            {
                await error.WriteLineAsync($"region '{region.Name}' has no registry.notificationToken; run 'geosync resync {reference}' to replicate").ConfigureAwait(false);
                return GeoSyncCli.NotSatisfied;
            }

            if (await CliServer.ResolveAsync(parse.GetValue(serverOption) ?? topology.Engine.Listen, error).ConfigureAwait(false) is not Uri baseAddress)
            {
                return GeoSyncCli.InvalidInput;
            }

            string server = baseAddress.ToString();
            try
            {
                using var http = new HttpClient { BaseAddress = baseAddress };
                var client = new GeoSyncClient(http);
                string envelope = GeoSyncClient.PushEnvelope(repository.Value, tag.Value.Value, result.Root, DateTimeOffset.UtcNow);
                await client.PostEventsAsync(regionToken, envelope, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or GeoSyncApiException)
            {
                await error.WriteLineAsync($"the image is in {region.Name}, but the engine at {server} was not told: {TerminalText.Plain(ex.Message)}; run 'geosync resync {reference}' when it is up").ConfigureAwait(false);
                return GeoSyncCli.NotSatisfied;
            }

            await output.WriteLineAsync($"the engine at {server} replicates it now").ConfigureAwait(false);
            return GeoSyncCli.Success;
        });
        return command;
    }
}
