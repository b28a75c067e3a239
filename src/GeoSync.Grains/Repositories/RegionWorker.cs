using GeoSync.Domain.Replication;
using Microsoft.Extensions.Logging;

namespace GeoSync.Grains.Repositories;

/// <summary>
/// The worker of one repository in one region, off the grain's turns: it does the work the grain handed out (copies
/// may take minutes, far past a grain call's timeout) and reports the outcome, which hands out the next piece, until
/// nothing is due. One grain call per piece of work. A slow or broken region delays only its own worker.
/// </summary>
public static partial class RegionWorker
{
    public static async Task RunAsync(IRepositoryGrain repository, string repositoryName, RegionWork first, IRegionReplicator replicator, ILogger logger, CancellationToken cancellationToken)
    {
        string region = first.Region;
        try
        {
            RegionWork? work = first;
            while (work is not null && !cancellationToken.IsCancellationRequested)
            {
                RegionWorkResult result;
                try
                {
                    RegionWork current = work;
                    result = await replicator.ExecuteAsync(work, progress => repository.ProgressAsync(current, progress), cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // Whatever went wrong (a blob replicator on a node that died, a grain call timing out), the region
                    // is Failed and retried on its schedule, never left Copying.
                    result = new RegionWorkResult(work, ReplicationState.Failed, 0, ex.Message, []);
                }

                work = await repository.ReportAsync(result).ConfigureAwait(false);
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The silo is stopping: the stored state says what is left, and the next start resumes it.
        }
        catch (Exception ex)
        {
            // The report itself failed: the grain finds this worker ended at its next turn and hands the work out again.
            LogWorkerCrashed(logger, repositoryName, region, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Worker of `{Repository}` in `{Region}` stopped unexpectedly")]
    private static partial void LogWorkerCrashed(ILogger logger, string repository, string region, Exception exception);
}
