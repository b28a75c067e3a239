using System.Net.Sockets;
using Azure;

namespace GeoSync.Storage.Azure;

/// <summary>
/// Translates what the Azure SDK throws into <see cref="RegionStoreException"/>: 404 → NotFound; 401/403 → Denied;
/// 408, 429, 5xx, transport errors and timeouts → Unavailable (retryable); anything else → Failed.
/// A cancellation the caller asked for is never translated: it stays an <see cref="OperationCanceledException"/>.
/// </summary>
internal static class AzureFailures
{
    /// <summary>The failure a service status code means; status 0 is a transport error (nothing answered).</summary>
    public static RegionStoreFailure FromStatus(int status) => status switch
    {
        0 => RegionStoreFailure.Unavailable,
        404 => RegionStoreFailure.NotFound,
        401 or 403 => RegionStoreFailure.Denied,
        408 or 429 or >= 500 => RegionStoreFailure.Unavailable,
        _ => RegionStoreFailure.Failed,
    };

    /// <summary>
    /// True when <paramref name="exception"/> came from talking to the store (not from the caller's own cancellation
    /// or from a bug), so it should become a <see cref="RegionStoreException"/>.
    /// </summary>
    public static bool IsStoreFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        RegionStoreException => false,
        // A missing assembly or local file is this process's fault, not the store's: never report it as an outage.
        FileNotFoundException or FileLoadException or DirectoryNotFoundException => false,
        OperationCanceledException => !cancellationToken.IsCancellationRequested, // the SDK's network timeout
        RequestFailedException or HttpRequestException or IOException or SocketException => true,
        // The SDK's retry policy throws AggregateException("Retry failed after N tries") holding each attempt's error.
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0
                                        && aggregate.InnerExceptions.All(inner => IsStoreFailure(inner, cancellationToken)),
        _ => false,
    };

    /// <summary>The <see cref="RegionStoreException"/> for a store failure (see <see cref="IsStoreFailure"/>).</summary>
    public static RegionStoreException Translate(string region, string operation, Exception exception)
    {
        Exception cause = exception is AggregateException { InnerExceptions.Count: > 0 } aggregate
            ? aggregate.InnerExceptions[^1]
            : exception;
        RegionStoreFailure failure = cause switch
        {
            RequestFailedException failed => FromStatus(failed.Status),
            _ => RegionStoreFailure.Unavailable,
        };
        return new RegionStoreException(region, operation, failure, Describe(cause, exception), exception);
    }

    /// <summary>True when the SDK reported HTTP <paramref name="status"/> (directly or as the last retry's error).</summary>
    public static bool HasStatus(Exception exception, int status) => exception switch
    {
        RequestFailedException failed => failed.Status == status,
        AggregateException { InnerExceptions.Count: > 0 } aggregate => HasStatus(aggregate.InnerExceptions[^1], status),
        _ => false,
    };

    private static string Describe(Exception cause, Exception exception)
    {
        string attempts = exception is AggregateException aggregate ? $" after {aggregate.InnerExceptions.Count} attempts" : string.Empty;
        return cause switch
        {
            RequestFailedException { Status: 0 } failed => $"the store did not answer{attempts}: {FirstLine(failed.InnerException?.Message ?? failed.Message)}",
            // The SDK's message repeats the whole response; the status and error code are what a reader acts on.
            RequestFailedException failed => $"the store answered {failed.Status} {failed.ErrorCode ?? "(no error code)"}{attempts}",
            OperationCanceledException => $"the store did not answer in time{attempts}",
            _ => $"the store did not answer{attempts}: {FirstLine(cause.Message)}",
        };
    }

    private static string FirstLine(string message)
    {
        int end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
