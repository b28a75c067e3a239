using System.CommandLine;
using System.Text.Json.Nodes;
using System.Security.Cryptography;
using GeoSync.Domain.Names;
using GeoSync.Domain.Topology;
using GeoSync.Host.Client;
using GeoSync.Grains.Regions;
using GeoSync.Host.Hosting;
using GeoSync.Host.Import;
using GeoSync.Host.Status;
using GeoSync.Host.Web;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Region = GeoSync.Domain.Topology.Region;

namespace GeoSync.Host.Cli;

/// <summary>
/// <c>geosync demo</c>, the README's main job: starts the engine on the embedded default topology (filesystem region
/// stores and SQLite under <c>.data/demo</c>), imports the sample multi-arch image into the first region, notifies
/// the engine over HTTP as that region's registry would, waits until every region is Synced, and prints the status.
/// </summary>
internal static class DemoCommand
{
    private const string Repository = "samples/hello";
    private const string TagName = "1.0";

    public static Command Create(TextWriter output, TextWriter error)
    {
        Option<string> topologyOption = CliTopology.Option();
        Option<TimeSpan> timeoutOption = CliDuration.Option("--timeout", "How long to wait for every region to be Synced, e.g. 60s or 00:01:00.", TimeSpan.FromMinutes(1));
        var command = new Command("demo", "Replicate the sample image across the default topology's regions and show where it stands.") { topologyOption, timeoutOption };
        command.SetAction(async (parse, cancellationToken) =>
        {
            RegionTopology? loaded = await CliTopology.LoadAsync(parse.GetValue(topologyOption), error, cancellationToken).ConfigureAwait(false);
            if (loaded is null)
            {
                return GeoSyncCli.InvalidInput;
            }

            // The default topology references its tokens and secrets by environment name; the demo makes up any
            // that are not set, for this run only.
            Dictionary<string, string> made = loaded.SecretReferences()
                .Where(r => r.Reference.Source == SecretSource.Environment && Environment.GetEnvironmentVariable(r.Reference.Name) is null)
                .Select(r => r.Reference.Name)
                .Distinct()
                .ToDictionary(n => n, _ => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
            string? Secret(string name) => Environment.GetEnvironmentVariable(name) ?? made.GetValueOrDefault(name);
            await using DemoWebhookReceiver receiver = await DemoWebhookReceiver.StartAsync(
                region => loaded.TryGetRegion(region, out Region? r) && r.Webhooks.FirstOrDefault()?.Secrets.FirstOrDefault() is { } secret ? Secret(secret.Name) : null,
                cancellationToken).ConfigureAwait(false);
            RegionTopology topology = await DemoTopologyAsync(loaded, receiver.Url, cancellationToken).ConfigureAwait(false);
            string dataDirectory = Path.GetFullPath(topology.Engine.DataDirectory, Path.GetDirectoryName(Path.GetFullPath(topology.File))!);
            var node = new GeoSyncNode(topology, Secret);
            if (!await CliSecrets.ReportAsync(topology, NodeSecretCheck.Problems(node), error).ConfigureAwait(false))
            {
                return GeoSyncCli.InvalidInput;
            }

            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }

            IAnsiConsole console = CliConsole.Create(output);
            WebApplicationBuilder builder = GeoSyncWebHost.CreateBuilder(node, "http://127.0.0.1:0");
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning)
                // Orleans' watchdog reports the time since the machine booted at its first check: noise in a short demo.
                .AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
            await using WebApplication app = GeoSyncWebHost.Build(builder);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            RegionDirectory regions = app.Services.GetRequiredService<RegionDirectory>();
            string url = app.Urls.First();
            console.MarkupLine($"GeoSync engine on [bold]{url}[/] with {topology.Regions.Count} regions ({string.Join(", ", topology.Regions.Select(r => r.Name))}), data in {Markup.Escape(dataDirectory)}");

            Region source = topology.Regions[0];
            string layout = Path.Combine(AppContext.BaseDirectory, "Samples", "hello");
            ImportResult imported = await OciLayoutImporter.ImportAsync(
                layout, TagName, regions[source.Name].Store, RepositoryName.Parse(Repository), Tag.Parse(TagName), cancellationToken).ConfigureAwait(false);
            console.MarkupLine($"Pushed [bold]{Repository}:{TagName}[/] ({imported.Root.Digest.Short}, multi-arch, {imported.Blobs} blobs) into [bold]{source.Name}[/]");

            using var http = new HttpClient { BaseAddress = new Uri(url + "/") };
            var client = new GeoSyncClient(http);
            string token = node.Secrets.Resolve(source.Registry.NotificationToken!.Value);
            DateTimeOffset pushedAt = DateTimeOffset.UtcNow;
            await client.PostEventsAsync(token, GeoSyncClient.PushEnvelope(Repository, TagName, imported.Root, pushedAt), cancellationToken).ConfigureAwait(false);
            console.MarkupLine($"Sent {source.Name}'s registry notification to POST /v1/events");

            string? statusToken = topology.Engine.StatusToken is { } st ? node.Secrets.Resolve(st) : null;
            RepositoryStatus status = await WaitForSyncedAsync(client, statusToken, topology.Regions.Count, parse.GetValue(timeoutOption), cancellationToken).ConfigureAwait(false);
            console.Write(StatusTable.Build([status], [.. topology.Regions.Select(r => r.Name)], DateTimeOffset.UtcNow));
            if (!status.AllSettled)
            {
                console.MarkupLine("[red]Not every region reached Synced in time.[/]");
                return GeoSyncCli.NotSatisfied;
            }

            foreach (Region region in topology.Regions)
            {
                Domain.Content.Digest? tagged = await regions[region.Name].Store.ReadTagAsync(RepositoryName.Parse(Repository), Tag.Parse(TagName), cancellationToken).ConfigureAwait(false);
                console.MarkupLine($"{region.Name}: {Markup.Escape(Repository)}:{TagName} -> {tagged?.Short ?? "(missing)"} in {Markup.Escape(Path.Combine(dataDirectory, "regions", region.Name))}");
            }

            console.MarkupLine($"[green]Every region holds the complete image[/] ({(DateTimeOffset.UtcNow - pushedAt).TotalMilliseconds:0} ms from notification to all Synced).");
            int expected = topology.Regions.Sum(r => r.Webhooks.Count);
            DateTime hooksDeadline = DateTime.UtcNow.AddSeconds(10);
            while (receiver.Received.Count < expected && DateTime.UtcNow < hooksDeadline)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }

            foreach ((string region, string webhookId, bool verified) in receiver.Received)
            {
                console.MarkupLine($"Deploy webhook for {region}: {webhookId} ({(verified ? "[green]signature verified[/]" : "[red]bad signature[/]")})");
            }

            if (receiver.Received.Count(r => r.Verified) < expected)
            {
                console.MarkupLine($"[red]Only {receiver.Received.Count(r => r.Verified)} of {expected} deploy webhooks arrived verified.[/]");
                return GeoSyncCli.NotSatisfied;
            }

            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return GeoSyncCli.Success;
        });
        return command;
    }

    private static async Task<RepositoryStatus> WaitForSyncedAsync(GeoSyncClient client, string? token, int regions, TimeSpan timeout, CancellationToken cancellationToken)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        RepositoryStatus status;
        do
        {
            status = await client.GetRepositoryAsync(Repository, token, cancellationToken).ConfigureAwait(false);
            if (status.Tags.Count > 0 && status.Tags.All(t => t.Regions.Count >= regions) && status.AllSettled)
            {
                return status;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
        while (DateTime.UtcNow < deadline);
        return status;
    }

    /// <summary>
    /// The topology with its data (region stores and database) under <c>&lt;dataDirectory&gt;/demo</c>, which the demo
    /// owns and wipes, and its webhooks pointed at the demo's receiver: the file is read again with those fields
    /// replaced, so region paths follow the new data directory exactly as they would in a file that said so.
    /// </summary>
    private static async Task<RegionTopology> DemoTopologyAsync(RegionTopology topology, string receiverUrl, CancellationToken cancellationToken)
    {
        JsonNode root = JsonNode.Parse(await File.ReadAllTextAsync(topology.File, cancellationToken).ConfigureAwait(false))!;
        foreach (JsonNode? region in root["regions"]?.AsArray() ?? [])
        {
            foreach (JsonNode? webhook in region?["webhooks"]?.AsArray() ?? [])
            {
                webhook!["url"] = $"{receiverUrl}/hooks/{region!["name"]!.GetValue<string>()}";
            }
        }

        JsonObject engine = root["engine"] as JsonObject ?? [];
        string data = Path.Combine(topology.Engine.DataDirectory, "demo");
        engine["dataDirectory"] = data;
        engine["persistence"] = new JsonObject { ["provider"] = "sqlite", ["connectionString"] = $"Data Source={Path.Combine(data, "geosync.db")}" };
        root["engine"] = engine;
        return RegionTopology.Parse(topology.File, root.ToJsonString());
    }
}
