using System.Text.Json.Nodes;
using GeoSync.Host.Cli;
using GeoSync.Testing;

namespace GeoSync.Host.Tests.Cli;

public sealed class TopologyValidateCommandTests : IDisposable
{
    /// <summary>Each kind of bad topology, made from the default one: the edit, the JSON path and the reason stderr must name.</summary>
    private static readonly Dictionary<string, (Func<string> Text, string Path, string Reason)> BadKinds = new()
    {
        ["unknown version"] = (() => Default(t => t["version"] = 2), "$.version", "unsupported topology version 2; this GeoSync reads version 1"),
        ["missing version"] = (() => Default(t => t.Remove("version")), "$.version", "required field is missing"),
        ["unknown field"] = (() => Default(t => t["regions"]![1]!["store"]!["root"] = "/x"), "$.regions[1].store.root", "unknown field 'root'"),
        ["wrong JSON type"] = (() => Default(t => t["regions"]![0]!["priority"] = "1"), "$.regions[0].priority", "expected an integer, found a string"),
        ["not JSON"] = (() => "{ \"version\": 1,", "$", "not valid JSON"),
        ["duplicate region"] = (() => Default(t => t["regions"]![2]!["name"] = "eu-west"), "$.regions[2].name", "duplicate region name 'eu-west'"),
        ["duplicate rule"] = (() => Default(t => t["rules"]!.AsArray().Add(t["rules"]![0]!.DeepClone())), "$.rules[1].name", "duplicate rule name 'everything-everywhere'"),
        ["duplicate webhook"] = (() => Default(t => t["regions"]![1]!["webhooks"]![0]!["name"] = "eu-west-deploy"), "$.regions[1].webhooks[0].name", "duplicate webhook name 'eu-west-deploy'"),
        ["unknown region in rule"] = (() => Default(t => t["rules"]![0]!["targets"] = new JsonArray("eu-west", "mars")), "$.rules[0].targets[1]", "unknown region 'mars'"),
        ["unknown region in link"] = (() => Default(t => t["links"]![0]!["to"] = "mars"), "$.links[0].to", "unknown region 'mars'"),
        ["unknown store kind"] = (() => Default(t => t["regions"]![0]!["store"]!["kind"] = "s3"), "$.regions[0].store.kind", "unknown store kind 's3'"),
        ["inline secret"] = (() => Default(t => t["regions"]![0]!["registry"]!["notificationToken"] = "plain-token-value"), "$.regions[0].registry.notificationToken", "inline secret"),
        ["bad regex"] = (() => Default(t => t["rules"]![0]!["tags"]!["include"]![0] = "v(\\d+"), "$.rules[0].tags.include[0]", "is not a valid regular expression"),
        ["bad glob"] = (() => Default(t => t["rules"]![0]!["repositories"]![0] = "Team/**"), "$.rules[0].repositories[0]", "bad repository glob"),
        ["bad URL"] = (() => Default(t => t["regions"]![2]!["webhooks"]![0]!["url"] = "deploy.example.com/hooks"), "$.regions[2].webhooks[0].url", "is not an absolute http or https URL"),
        ["bad duration"] = (() => Default(t => t["defaults"]!["rule"]!["reconcileInterval"] = "10 minutes"), "$.defaults.rule.reconcileInterval", "'10 minutes' is not a duration"),
        ["negative cost"] = (() => Default(t => t["links"]![1]!["cost"] = -3), "$.links[1].cost", "must not be negative, found -3"),
        ["negative limit"] = (() => Default(t => t["defaults"]!["region"]!["limits"]!["bandwidthBytesPerSecond"] = -1), "$.defaults.region.limits.bandwidthBytesPerSecond", "must be at least 1, found -1"),
        ["source is its only target"] = (() => Default(t =>
        {
            t["rules"]![0]!["sources"] = new JsonArray("us-east");
            t["rules"]![0]!["targets"] = new JsonArray("us-east");
        }), "$.rules[0].targets", "the rule replicates nothing"),
    };

    private readonly TestDirectory directory = new("topology-cli");

    public static TheoryData<string> ShippedFiles() => new(TopologyCliFiles.Shipped().Select(f => Path.GetRelativePath(TopologyCliFiles.RepositoryRoot, f)));

    public static TheoryData<string> BadKindNames() => new(BadKinds.Keys);

    public void Dispose() => directory.Dispose();

    [Theory]
    [MemberData(nameof(ShippedFiles))]
    public async Task Validate_ShippedFile_ExitsZeroWithOneSummaryLine(string relativePath)
    {
        string file = Path.Combine(TopologyCliFiles.RepositoryRoot, relativePath);

        (int exitCode, string output, string error) = await RunAsync("topology", "validate", file);

        Assert.Equal(GeoSyncCli.Success, exitCode);
        Assert.Equal(string.Empty, error);
        string line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"{file}: ", line, StringComparison.Ordinal);
        Assert.EndsWith(": valid", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_AllShippedFilesAtOnce_ExitsZeroWithALinePerFile()
    {
        IReadOnlyList<string> files = TopologyCliFiles.Shipped();

        (int exitCode, string output, _) = await RunAsync(["topology", "validate", .. files]);

        Assert.Equal(GeoSyncCli.Success, exitCode);
        Assert.Equal(files, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[..l.IndexOf(": ", StringComparison.Ordinal)]));
        Assert.Contains("3 regions, 3 links, 1 rule, 3 webhooks, sqlite persistence: valid", output, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadKindNames))]
    public async Task Validate_BadTopology_ExitsTwoNamingFilePathAndReason(string kind)
    {
        (Func<string> text, string path, string reason) = BadKinds[kind];
        string file = directory.Combine(kind.Replace(' ', '-') + ".json");
        await File.WriteAllTextAsync(file, text());

        (int exitCode, string output, string error) = await RunAsync("topology", "validate", file);

        Assert.Equal(GeoSyncCli.InvalidInput, exitCode);
        Assert.Equal(string.Empty, output);
        string[] lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith($"{file}: {path}: ", StringComparison.Ordinal) && l.Contains(reason, StringComparison.Ordinal));
        Assert.All(lines, l => Assert.StartsWith($"{file}: $", l, StringComparison.Ordinal));
        Assert.DoesNotContain("plain-token-value", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_MissingFile_ExitsTwoNamingTheFile()
    {
        string missing = directory.Combine("nope.json");

        (int exitCode, string output, string error) = await RunAsync("topology", "validate", missing);

        Assert.Equal(GeoSyncCli.InvalidInput, exitCode);
        Assert.Equal(string.Empty, output);
        Assert.Equal($"{missing}: $: cannot read {missing}: file not found", error.TrimEnd());
    }

    [Fact]
    public async Task Validate_MissingRelativeFile_ErrorShowsTheFullPathTried()
    {
        (int exitCode, _, string error) = await RunAsync("topology", "validate", Path.Combine("no-such-folder", "nope.json"));

        Assert.Equal(GeoSyncCli.InvalidInput, exitCode);
        string tried = Path.Combine(Directory.GetCurrentDirectory(), "no-such-folder", "nope.json");
        Assert.Equal($"{Path.Combine("no-such-folder", "nope.json")}: $: cannot read {tried}: directory not found", error.TrimEnd());
    }

    [Fact]
    public async Task Validate_TopologyFolderGlob_SkipsTheSchemaAndExitsZero()
    {
        string[] files = [.. Directory.EnumerateFiles(Path.Combine(TopologyCliFiles.RepositoryRoot, "topology"), "*.json").Order(StringComparer.Ordinal)];
        string schema = Assert.Single(files, f => f.EndsWith("topology.schema.json", StringComparison.Ordinal));

        (int exitCode, string output, string error) = await RunAsync(["topology", "validate", .. files]);

        Assert.True(exitCode == GeoSyncCli.Success, error);
        Assert.Contains($"{schema}: a JSON Schema, not a topology: skipped", output, StringComparison.Ordinal);
        Assert.Equal(files.Length - 1, output.Split('\n').Count(l => l.EndsWith(": valid", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Validate_FieldNamedWithAnEscapeSequence_ErrorShowsItEscaped()
    {
        string file = directory.Combine("hostile.json");
        // JSON escapes: the field's name holds a real ESC and a newline once parsed.
        await File.WriteAllTextAsync(file, "{\"version\": 1, \"\\u001b[31mred\\nline\": true}");

        (int exitCode, _, string error) = await RunAsync("topology", "validate", file);

        Assert.Equal(GeoSyncCli.InvalidInput, exitCode);
        Assert.DoesNotContain('\u001b', error);
        Assert.Contains("\\u001B[31mred\\nline", error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Validate_Directory_ExitsTwoNamingIt()
    {
        (int exitCode, _, string error) = await RunAsync("topology", "validate", directory.Path);

        Assert.Equal(GeoSyncCli.InvalidInput, exitCode);
        Assert.Equal($"{directory.Path}: $: cannot read {directory.Path}: it is a directory", error.TrimEnd());
    }

    [Fact]
    public async Task Validate_ValidAndInvalidFiles_ReportsBothAndExitsTwo()
    {
        string bad = directory.Combine("bad.json");
        await File.WriteAllTextAsync(bad, Default(t =>
        {
            t["links"]![0]!["cost"] = -1;
            t["rules"]![0]!["name"] = "-";
        }));

        (int exitCode, string output, string error) = await RunAsync("topology", "validate", TopologyCliFiles.DefaultTopology, bad);

        Assert.Equal(GeoSyncCli.InvalidInput, exitCode);
        Assert.StartsWith($"{TopologyCliFiles.DefaultTopology}: ", output, StringComparison.Ordinal);
        Assert.Equal(
            [$"{bad}: $.links[0].cost: must not be negative, found -1", $"{bad}: $.rules[0].name: rule name '-' must be 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"],
            error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string Default(Action<JsonObject> edit) => TopologyCliFiles.DefaultWith(edit);

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        int exitCode = await GeoSyncCli.RunAsync(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }
}
