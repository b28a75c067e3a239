using Microsoft.Extensions.Logging;

namespace GeoSync.Grains.Repositories;

/// <summary>
/// The worker of one repository in one region, off the grain's turns: it asks the grain for the next piece of work,
/// does it (copies may take minutes, far past a grain call's timeout), and reports the outcome, until nothing is due.
/// A slow or broken region delays only its own worker.
/// </summary>
public static partial class RegionWorker
{
    public static async Task RunAsync(IRepositoryGrain repository, string repositoryName, string region, IRegionReplicator replicator, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                RegionWork? work = await repository.NextWorkAsync(region).ConfigureAwait(false);
                if (work is null)
                {
                    return;
                }

                RegionWorkResult result = await replicator.ExecuteAsync(work, cancellationToken).ConfigureAwait(false);
                await repository.ReportAsync(result).ConfigureAwait(false);
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The silo is stopping: the stored state says what is left, and the next start resumes it.
        }
        catch (Exception ex)
        {
            // The grain's reminder (or the next event) starts a new worker; the work is found again from the state.
            LogWorkerCrashed(logger, repositoryName, region, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Worker of `{Repository}` in `{Region}` stopped unexpectedly")]
    private static partial void LogWorkerCrashed(ILogger logger, string repository, string region, Exception exception);
}
