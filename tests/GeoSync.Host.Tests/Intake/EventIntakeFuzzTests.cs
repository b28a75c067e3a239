using System.Diagnostics;
using System.Text.Json;
using GeoSync.Host.Client;
using GeoSync.Host.Tests.Support;
using GeoSync.Testing;
using GeoSync.Testing.Fuzzing;
using GeoSync.Testing.Webhooks;

namespace GeoSync.Host.Tests.Intake;

/// <summary>
/// Mutated notification envelopes through the real HTTP intake of a running engine (seeded:
/// <see cref="FuzzRun.SeedVariable"/> overrides the seed; <c>dotnet run --project tests/GeoSync.Benchmarks -- fuzz</c>
/// runs longer). No answer is a 5xx, every 4xx is problem details, a valid event is still accepted afterwards, and no
/// log entry written meanwhile carries a control character in its message or in any structured value.
/// </summary>
public sealed class EventIntakeFuzzTests
{
    public const int Cases = 1500;

    [Fact]
    public async Task PostEvents_MutatedEnvelopes_AnswerProblemDetailsAndLogNothingRaw()
    {
        await using WebhookedEngine engine = await WebhookedEngine.StartAsync(["eu", "us"]);
        EngineHarness harness = engine.Harness;
        TestImage image = TestImage.Single("fuzz", TestImage.Layer("fuzz", 64));
        await harness.PushAsync("eu", "fuzz/app", "v1", image);
        int firstEntry = engine.Logs.Entries.Count;

        FuzzRun run = FuzzRun.FromEnvironment(defaultSeed: 19);
        var clock = Stopwatch.StartNew();
        await IntakeFuzzer.RunAsync(run, harness.Http, EngineHarness.TokenOf("eu"), Templates(image), Cases);
        clock.Stop();

        // Still serving: a valid push after the run is accepted.
        EventIntakeResponseView after = await harness.NotifyPushAsync("eu", "fuzz/app", "v2", image);
        Assert.Equal(1, after.Accepted);

        // GeoSync's own entries and ASP.NET Core's (which name requests); the framework's trace dumps of its own
        // state (HttpClient headers, Orleans reminder lists) are multi-line by design and carry nothing from outside.
        IEnumerable<CapturedLog> entries = engine.Logs.Entries.Skip(firstEntry)
            .Where(e => e.Category.StartsWith("GeoSync.", StringComparison.Ordinal) || e.Category.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal));
        foreach (string offender in LogLineCheck.Offenders(entries).Distinct().Take(20))
        {
            run.Report(-1, "raw log entry: " + offender);
        }

        Assert.True(run.Findings.Count == 0, run.Summary($"intake fuzz ({clock.Elapsed.TotalSeconds:0.0} s)", Cases));
    }

    /// <summary>Valid envelopes to mutate: a push (with request, actor and source), deletes, a pull, and two events in one body.</summary>
    private static string[] Templates(TestImage image)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        string push = GeoSyncClient.PushEnvelope("fuzz/app", "v1", image.Root, now);
        var full = new
        {
            events = new object[]
            {
                new
                {
                    id = "8f2a0c1e-fuzz",
                    timestamp = now,
                    action = "push",
                    target = new { mediaType = image.Root.MediaType, digest = image.Root.Digest.ToString(), size = image.Root.Size, length = image.Root.Size, repository = "fuzz/app", url = $"https://eu.registry.test/v2/fuzz/app/manifests/{image.Root.Digest}", tag = "v1" },
                    request = new { id = "req-1", addr = "10.0.0.1:5000", host = "eu.registry.test", method = "PUT", useragent = "docker/27.0" },
                    actor = new { name = "ci-bot" },
                    source = new { addr = "registry-0:5000", instanceID = "b1f0" },
                },
                new { id = "8f2a0c1e-fuzz-2", timestamp = now, action = "delete", target = new { repository = "fuzz/other", tag = "old" } },
            },
        };
        return
        [
            push,
            JsonSerializer.Serialize(full),
            Envelopes.TagDelete("fuzz/app", "v0", now),
            Envelopes.ManifestDelete("fuzz/app", image.Root.Digest, now),
            Envelopes.Pull("fuzz/app", image.Root, now),
        ];
    }
}
