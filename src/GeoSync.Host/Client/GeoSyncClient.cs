using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GeoSync.Domain.Content;
using GeoSync.Domain.Events;
using GeoSync.Domain.Replication;
using GeoSync.Host.Intake;
using GeoSync.Host.Links;
using GeoSync.Host.Planning;
using GeoSync.Host.Status;

namespace GeoSync.Host.Client;

/// <summary>
/// A client of a running engine's HTTP API, used by the CLI (<c>import</c>, <c>resync</c>, <c>status</c>), the demo
/// and the tests. Errors the engine returns as problem details surface as <see cref="GeoSyncApiException"/>.
/// </summary>
public sealed class GeoSyncClient(HttpClient http)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new DigestJsonConverter() } };

    /// <summary>Sends a notification envelope as a region's registry would.</summary>
    public async Task<EventIntakeResponse> PostEventsAsync(string regionToken, string envelopeJson, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/events")
        {
            Content = new StringContent(envelopeJson, Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(NotificationEnvelope.MediaTypeV1);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", regionToken);
        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<EventIntakeResponse>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One repository's tags × regions.</summary>
    public async Task<RepositoryStatus> GetRepositoryAsync(string repository, string? statusToken = null, CancellationToken cancellationToken = default)
    {
        using HttpRequestMessage request = Authorized(HttpMethod.Get, $"v1/repositories/{repository}", statusToken);
        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<RepositoryStatus>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every repository the engine knows, in ordinal order, following the pages to the last.</summary>
    public async Task<IReadOnlyList<string>> ListRepositoriesAsync(string? statusToken = null, CancellationToken cancellationToken = default)
    {
        var repositories = new List<string>();
        string? after = null;
        do
        {
            RepositoryList page = await ListRepositoryPageAsync(new RepositoryPageQuery { After = after, Limit = RepositoryListRequest.MaxLimit }, statusToken, cancellationToken).ConfigureAwait(false);
            repositories.AddRange(page.Repositories);
            after = page.Next;
        }
        while (after is not null);

        return repositories;
    }

    /// <summary>One page of repositories matching the query; its <see cref="RepositoryList.Next"/> asks for the next.</summary>
    public async Task<RepositoryList> ListRepositoryPageAsync(RepositoryPageQuery query, string? statusToken = null, CancellationToken cancellationToken = default)
    {
        using HttpRequestMessage request = Authorized(HttpMethod.Get, "v1/repositories" + query.ToQueryString(), statusToken);
        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<RepositoryList>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Asks the engine to reconcile everything, one repository, or one tag.</summary>
    public async Task<int> ResyncAsync(string? repository, string? tag, string? statusToken = null, CancellationToken cancellationToken = default)
    {
        using HttpRequestMessage request = Authorized(HttpMethod.Post, "v1/resync", statusToken);
        request.Content = JsonContent.Create(new ResyncRequest(repository, tag), options: Json);
        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        ResyncResponse result = await ReadAsync<ResyncResponse>(response, cancellationToken).ConfigureAwait(false);
        return result.Replanned;
    }

    /// <summary>What a resync would copy (everything, one repository or one tag; every target region or one), without copying.</summary>
    public async Task<SyncPlan> PlanAsync(PlanRequest plan, string? statusToken = null, CancellationToken cancellationToken = default)
    {
        using HttpRequestMessage request = Authorized(HttpMethod.Post, "v1/plan", statusToken);
        request.Content = JsonContent.Create(plan, options: Json);
        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<SyncPlan>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Egress per link and UTC day over the last <paramref name="days"/> days.</summary>
    public async Task<LinkReport> GetLinksAsync(int days = 7, string? statusToken = null, CancellationToken cancellationToken = default)
    {
        using HttpRequestMessage request = Authorized(HttpMethod.Get, $"v1/links?days={days}", statusToken);
        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<LinkReport>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every region: reachability, backlog, bytes copied, lag.</summary>
    public async Task<IReadOnlyList<RegionOverview>> ListRegionsAsync(string? statusToken = null, CancellationToken cancellationToken = default)
    {
        using HttpRequestMessage request = Authorized(HttpMethod.Get, "v1/regions", statusToken);
        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return (await ReadAsync<RegionList>(response, cancellationToken).ConfigureAwait(false)).Regions;
    }

    /// <summary>Deploy-webhook deliveries matching the filters (null = any), newest first.</summary>
    public async Task<IReadOnlyList<DeliveryStatus>> ListDeliveriesAsync(string? region = null, string? repository = null, string? state = null, string? statusToken = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (region is not null)
        {
            query.Add($"region={Uri.EscapeDataString(region)}");
        }

        if (repository is not null)
        {
            query.Add($"repository={Uri.EscapeDataString(repository)}");
        }

        if (state is not null)
        {
            query.Add($"state={Uri.EscapeDataString(state)}");
        }

        string path = query.Count == 0 ? "v1/deliveries" : $"v1/deliveries?{string.Join('&', query)}";
        using HttpRequestMessage request = Authorized(HttpMethod.Get, path, statusToken);
        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return (await ReadAsync<DeliveryList>(response, cancellationToken).ConfigureAwait(false)).Deliveries;
    }

    /// <summary>One delivery with its attempts.</summary>
    public async Task<DeliveryStatus> GetDeliveryAsync(string id, string? statusToken = null, CancellationToken cancellationToken = default)
    {
        using HttpRequestMessage request = Authorized(HttpMethod.Get, $"v1/deliveries/{Uri.EscapeDataString(id)}", statusToken);
        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<DeliveryStatus>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Queues a delivery again (same webhook id).</summary>
    public async Task<DeliveryStatus> RedeliverAsync(string id, string? statusToken = null, CancellationToken cancellationToken = default)
    {
        using HttpRequestMessage request = Authorized(HttpMethod.Post, $"v1/deliveries/{Uri.EscapeDataString(id)}/redeliver", statusToken);
        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<DeliveryStatus>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Events GeoSync gave up on (Abandoned), of one repository and one region when given.</summary>
    public async Task<AbandonedEventList> ListAbandonedAsync(string? repository = null, string? region = null, string? statusToken = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string> { "limit=1000" };
        if (repository is not null)
        {
            query.Add($"repository={Uri.EscapeDataString(repository)}");
        }

        if (region is not null)
        {
            query.Add($"region={Uri.EscapeDataString(region)}");
        }

        using HttpRequestMessage request = Authorized(HttpMethod.Get, $"v1/events/abandoned?{string.Join('&', query)}", statusToken);
        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<AbandonedEventList>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Has the selected abandoned events tried again; returns how many regions were.</summary>
    public Task<int> RetryAbandonedAsync(AbandonedEventsRequest selection, string? statusToken = null, CancellationToken cancellationToken = default) =>
        ChangeAbandonedAsync("retry", "retried", selection, statusToken, cancellationToken);

    /// <summary>Removes the selected abandoned events; returns how many regions' records went.</summary>
    public Task<int> DropAbandonedAsync(AbandonedEventsRequest selection, string? statusToken = null, CancellationToken cancellationToken = default) =>
        ChangeAbandonedAsync("drop", "dropped", selection, statusToken, cancellationToken);

    /// <summary>A one-event push envelope, as a registry sends for a tagged manifest push.</summary>
    public static string PushEnvelope(string repository, string tag, Descriptor manifest, DateTimeOffset timestamp, string? eventId = null, string action = "push")
    {
        var envelope = new
        {
            events = new[]
            {
                new
                {
                    id = eventId ?? Guid.NewGuid().ToString(),
                    timestamp,
                    action,
                    target = new { mediaType = manifest.MediaType, digest = manifest.Digest.ToString(), size = manifest.Size, length = manifest.Size, repository, tag },
                    source = new { instanceID = "geosync" },
                },
            },
        };
        return JsonSerializer.Serialize(envelope, Json);
    }

    private async Task<int> ChangeAbandonedAsync(string action, string done, AbandonedEventsRequest selection, string? statusToken, CancellationToken cancellationToken)
    {
        using HttpRequestMessage request = Authorized(HttpMethod.Post, $"v1/events/abandoned/{action}", statusToken);
        request.Content = JsonContent.Create(selection, options: Json);
        using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return (await ReadAsync<Dictionary<string, int>>(response, cancellationToken).ConfigureAwait(false)).GetValueOrDefault(done);
    }

    private static HttpRequestMessage Authorized(HttpMethod method, string path, string? token)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            string detail = body;
            try
            {
                using JsonDocument problem = JsonDocument.Parse(body);
                if (problem.RootElement.TryGetProperty("detail", out JsonElement d))
                {
                    detail = d.GetString() ?? body;
                }
            }
            catch (JsonException)
            {
            }

            throw new GeoSyncApiException((int)response.StatusCode, detail);
        }

        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false)
            ?? throw new GeoSyncApiException((int)response.StatusCode, "empty response");
    }
}

/// <summary>The engine answered with an error (problem details).</summary>
public sealed class GeoSyncApiException(int status, string detail) : Exception($"the engine answered {status}: {detail}")
{
    public int Status { get; } = status;

    public string Detail { get; } = detail;
}
