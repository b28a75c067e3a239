using GeoSync.Grains.Repositories;

namespace GeoSync.Grains.Tests.Repositories;

public sealed class CheckpointProgressTests
{
    [Fact]
    public void NewActivation_InboxNotYetMarked_Pending()
    {
        var progress = new CheckpointProgress(writtenSequence: 5);

        Assert.False(progress.Dirty);
        Assert.True(progress.Pending);
        progress.Marked(5);
        Assert.False(progress.Pending);
    }

    [Fact]
    public void Applied_ThenWritten_MarkPendingUntilTheWrittenSequenceIsMarked()
    {
        var progress = new CheckpointProgress(writtenSequence: 5);
        progress.Marked(5);

        progress.Applied(3);
        Assert.True(progress.Dirty);
        progress.Written(8);

        Assert.False(progress.Dirty);
        Assert.Equal(8, progress.WrittenSequence);
        Assert.True(progress.Pending);
        progress.Marked(8);
        Assert.False(progress.Pending);
    }

    [Fact]
    public void Applied_AFullBatch_BatchFullUntilWritten()
    {
        var progress = new CheckpointProgress(0);

        progress.Applied(CheckpointProgress.InboxBatch - 1);
        Assert.False(progress.BatchFull);
        progress.Applied(1);
        Assert.True(progress.BatchFull);
        progress.Written(CheckpointProgress.InboxBatch);
        Assert.False(progress.BatchFull);
    }

    [Fact]
    public void Changed_AnOutcomeWithoutEvents_DirtyButNoBatch()
    {
        var progress = new CheckpointProgress(0);
        progress.Marked(0);

        progress.Changed();

        Assert.True(progress.Dirty);
        Assert.True(progress.Pending);
        Assert.Equal(0, progress.UnwrittenEvents);
    }
}
