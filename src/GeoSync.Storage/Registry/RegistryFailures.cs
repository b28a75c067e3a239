using System.Net;
using System.Text;
using System.Text.Json;

namespace GeoSync.Storage.Registry;

/// <summary>
/// Turns a registry's error answer (<c>{"errors":[{"code":"BLOB_UNKNOWN","message":"..."}]}</c>, OCI distribution
/// spec) or a failed connection into a <see cref="RegionStoreException"/> whose message names the status and the
/// registry's error codes, so status and logs say <c>DENIED</c> or <c>BLOB_UNKNOWN</c>, not just "failed".
/// </summary>
internal static class RegistryFailures
{
    private const int MaxErrorBody = 16 * 1024;
    private const int MaxErrorsQuoted = 3;

    public static async Task<RegionStoreException> FromResponseAsync(string region, string operation, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        IReadOnlyList<(string Code, string Message)> errors = await ReadErrorsAsync(response, cancellationToken).ConfigureAwait(false);
        var message = new StringBuilder($"registry answered {(int)response.StatusCode}");
        foreach ((string code, string text) in errors.Take(MaxErrorsQuoted))
        {
            message.Append(' ').Append(code).Append(text.Length > 0 ? $" ({text})" : string.Empty).Append(';');
        }

        if (errors.Count > 0)
        {
            message.Length--;
        }
        else if (CodeOfStatus(response.StatusCode) is { } code)
        {
            // A HEAD answer has no body to name the code: the status names it.
            message.Append(' ').Append(code);
        }

        if (RegistryRequests.RetryAfter(response, DateTimeOffset.UtcNow) is { } wait)
        {
            message.Append($", retry after {wait.TotalSeconds:0} s");
        }

        return new RegionStoreException(region, operation, Classify(response.StatusCode, errors), message.ToString());
    }

    /// <summary>The typed failure of an exception that is not the registry's answer (connection, timeout), or null when it is not one.</summary>
    public static RegionStoreException? FromException(string region, string operation, Exception exception, CancellationToken cancellationToken) => exception switch
    {
        RegionStoreException => null,
        HttpRequestException or IOException => new RegionStoreException(region, operation, RegionStoreFailure.Unavailable, $"registry unreachable: {exception.Message}", exception),
        TaskCanceledException when !cancellationToken.IsCancellationRequested =>
            new RegionStoreException(region, operation, RegionStoreFailure.Unavailable, "registry did not answer in time", exception),
        _ => null,
    };

    private static string? CodeOfStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized => "UNAUTHORIZED",
        HttpStatusCode.Forbidden => "DENIED",
        HttpStatusCode.TooManyRequests => "TOOMANYREQUESTS",
        _ => null,
    };

    private static RegionStoreFailure Classify(HttpStatusCode status, IReadOnlyList<(string Code, string Message)> errors)
    {
        if (errors.Any(e => e.Code is "DIGEST_INVALID" or "SIZE_INVALID"))
        {
            return RegionStoreFailure.DigestMismatch;
        }

        return status switch
        {
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => RegionStoreFailure.Denied,
            HttpStatusCode.NotFound => RegionStoreFailure.NotFound,
            HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout => RegionStoreFailure.Unavailable,
            >= HttpStatusCode.InternalServerError => RegionStoreFailure.Unavailable,
            _ => RegionStoreFailure.Failed,
        };
    }

    private static async Task<IReadOnlyList<(string Code, string Message)>> ReadErrorsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            await using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            body = new byte[MaxErrorBody];
            body = body[..await stream.ReadAtLeastAsync(body, MaxErrorBody, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false)];
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return [];
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("errors", out JsonElement errors) || errors.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            return [.. errors.EnumerateArray()
                .Where(e => e.ValueKind == JsonValueKind.Object)
                .Select(e => (Code: Text(e, "code") ?? "UNKNOWN", Message: Text(e, "message") ?? string.Empty))];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
