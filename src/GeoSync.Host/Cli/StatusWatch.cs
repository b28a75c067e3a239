using GeoSync.Host.Status;
using Spectre.Console;

namespace GeoSync.Host.Cli;

/// <summary><c>geosync status --watch</c>: reads the selection until nothing selected is moving any more, or the timeout.</summary>
internal sealed class StatusWatch(StatusSelection selection, IReadOnlyList<string>? regions, TimeSpan timeout, TimeSpan interval)
{
    /// <summary>The last statuses read; redrawn on <paramref name="live"/> at each read when given, read quietly otherwise.</summary>
    public async Task<IReadOnlyList<RepositoryStatus>> RunAsync(IAnsiConsole? live, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<RepositoryStatus> statuses = await selection.ReadAsync(cancellationToken).ConfigureAwait(false);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        if (live is null)
        {
            while (!selection.Finished(statuses) && await DelayAsync(deadline.Token).ConfigureAwait(false))
            {
                statuses = await selection.ReadAsync(cancellationToken).ConfigureAwait(false);
            }

            return statuses;
        }

        await live.Live(StatusTable.Build(statuses, regions, DateTimeOffset.UtcNow)).StartAsync(async display =>
        {
            while (!selection.Finished(statuses) && await DelayAsync(deadline.Token).ConfigureAwait(false))
            {
                statuses = await selection.ReadAsync(cancellationToken).ConfigureAwait(false);
                display.UpdateTarget(StatusTable.Build(statuses, regions, DateTimeOffset.UtcNow));
            }
        }).ConfigureAwait(false);
        return statuses;
    }

    private async Task<bool> DelayAsync(CancellationToken cancellationToken)
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
}
