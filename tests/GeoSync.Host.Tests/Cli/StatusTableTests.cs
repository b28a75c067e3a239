using GeoSync.Host.Cli;
using GeoSync.Host.Client;
using GeoSync.Host.Status;
using Spectre.Console;

namespace GeoSync.Host.Tests.Cli;

/// <summary>What <c>geosync status</c> shows for each region, and when <c>--watch</c> stops.</summary>
public sealed class StatusTableTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static readonly StatusSelection Everything = new(new GeoSyncClient(new HttpClient()), null, null, null, new RepositoryPageQuery());

    [Fact]
    public void Build_FailedWithRetryScheduled_ShowsTheCountdownAndTheReasonAsANote()
    {
        RegionStatus failed = Region("ap", "Failed", error: "store unreachable: connection refused", next: Now.AddSeconds(3.2));

        string text = Render(Repository(Region("eu", "Synced", lag: 120), failed), width: 120);

        Assert.Contains("Failed, retrying in 4 s [1]", text, StringComparison.Ordinal);
        Assert.Contains("Synced 120 ms", text, StringComparison.Ordinal);
        Assert.Contains("[1] ap team/app:v1: store unreachable: connection refused", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_CopyingWithBytesDone_ShowsThem()
    {
        string text = Render(Repository(Region("us", "Copying", bytes: 1_572_864)), width: 120);

        Assert.Contains("Copying 1.5 MiB copied", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_CopyingWithItsTotalKnown_ShowsBytesDoneOfTheTotal()
    {
        string text = Render(Repository(Region("us", "Copying", bytes: 1_572_864) with { BytesTotal = 4_194_304 }), width: 120);

        Assert.Contains("Copying 1.5 MiB of 4 MiB", text, StringComparison.Ordinal);
    }

    [Fact]
    public void From_CopyingRecordWithProgress_BytesDoneAndTotalIncludeEarlierAttempts()
    {
        var record = new GeoSync.Grains.Repositories.RegionTagRecord(GeoSync.Domain.Replication.ReplicationState.Copying, null, "all", BytesCopied: 100)
        {
            Progress = new GeoSync.Grains.Repositories.CopyProgress(BytesCopied: 1000, BytesToCopy: 5000),
        };
        var desired = new GeoSync.Domain.Replication.DesiredTag(null, string.Empty, 0, Now, "eu", 1, "e1", Now);

        RegionStatus copying = RegionStatus.From("us", record, desired);
        RegionStatus failed = RegionStatus.From("us", record with { State = GeoSync.Domain.Replication.ReplicationState.Failed }, desired);

        Assert.Equal((1100L, (long?)5100), (copying.BytesCopied, copying.BytesTotal));
        Assert.Equal((100L, (long?)null), (failed.BytesCopied, failed.BytesTotal));
    }

    [Fact]
    public void Build_Abandoned_ShownApartWithItsReason()
    {
        string text = Render(Repository(Region("us", "Abandoned", error: "given up, missing at its source")), width: 120);

        Assert.Contains("Abandoned [1]", text, StringComparison.Ordinal);
        Assert.Contains("[1] us team/app:v1: given up, missing at its source", text, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyAbandonedLeft_AbandonedBesideSettled_TrueButNotWhileSomethingMoves()
    {
        RepositoryStatus abandoned = Repository(Region("eu", "Synced", lag: 10), Region("us", "Abandoned", error: "given up"));
        RepositoryStatus moving = Repository(Region("eu", "Pending"), Region("us", "Abandoned", error: "given up"));

        Assert.True(Everything.Finished([abandoned]));
        Assert.False(Everything.AllSettled([abandoned]));
        Assert.True(Everything.OnlyAbandonedLeft([abandoned]));
        Assert.False(Everything.OnlyAbandonedLeft([moving]));
    }

    [Fact]
    public void Build_LongErrorsOnANarrowTerminal_EveryLineFitsAndTheReasonsWrapUnderTheTable()
    {
        string reason = "blob upload to region store failed: " + string.Join(' ', Enumerable.Repeat("the service answered 503 ServerBusy", 6));
        RepositoryStatus repository = Repository(
            Region("eu", "Synced", lag: 95),
            Region("us", "Failed", error: reason, next: Now.AddSeconds(30)),
            Region("ap", "Failed", error: reason, next: Now.AddMinutes(4)));

        string[] lines = Render(repository, width: 80).Split('\n');

        Assert.All(lines, l => Assert.True(l.TrimEnd('\r').Length <= 80, l));
        // Table rows hold the states only; the reasons are notes below, wrapped as text.
        Assert.DoesNotContain(lines, l => l.StartsWith('│') && l.Contains("ServerBusy", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("[2] us team/app:v1: blob upload to region store failed:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("[1] ap team/app:v1: blob upload to region store failed:", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Pending", false, false)]
    [InlineData("Copying", false, false)]
    [InlineData("Failed", true, false)]
    [InlineData("Failed", false, true)]
    [InlineData("Synced", false, true)]
    [InlineData("Deleted", false, true)]
    [InlineData("Abandoned", false, true)]
    public void Finished_RegionState_OnlySettledOrTerminalEndsAWatch(string state, bool retryScheduled, bool finished)
    {
        RepositoryStatus repository = Repository(Region("eu", "Synced", lag: 10), Region("us", state, next: retryScheduled ? Now.AddSeconds(4) : null));

        Assert.Equal(finished, Everything.Finished([repository]));
    }

    private static RegionStatus Region(string name, string state, double? lag = null, string? error = null, DateTimeOffset? next = null, long bytes = 0) =>
        new(name, state, "sha256:abc", bytes, lag, error, error is null ? 0 : 2, next);

    private static RepositoryStatus Repository(params RegionStatus[] regions) =>
        new("team/app", 1, [new TagStatus("v1", "sha256:0123456789abcdef0123", "application/vnd.oci.image.manifest.v1+json", "eu", Now.AddMinutes(-1), "e1", regions)]);

    private static string Render(RepositoryStatus repository, int width)
    {
        using var output = new StringWriter();
        IAnsiConsole console = CliConsole.Create(output);
        console.Profile.Width = width;
        console.Write(StatusTable.Build([repository], null, Now));
        return output.ToString();
    }
}
