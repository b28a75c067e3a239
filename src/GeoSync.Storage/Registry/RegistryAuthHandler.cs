using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Web;
using Microsoft.Extensions.Logging;

namespace GeoSync.Storage.Registry;

/// <summary>
/// Answers the registry's challenges: a 401 names the scheme; Basic sends the credentials, Bearer trades them at the
/// challenge's realm for a token of the challenge's scope (the distribution token flow Harbor, ACR and distribution
/// use). Tokens are cached per scope until shortly before they expire, and what a kind of request needed last time is
/// sent up front, so an upload body is not sent twice. A request whose body cannot be sent again is not retried.
/// </summary>
internal sealed partial class RegistryAuthHandler(string? username, string? password, TimeProvider timeProvider, ILogger logger)
    : DelegatingHandler
{
    private readonly ILogger _logger = logger;

    // A token is renewed this long before the registry's stated expiry, so no request carries one about to lapse.
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(10);

    // The distribution spec's default lifetime when the token service names none.
    private static readonly TimeSpan DefaultTokenLifetime = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, CachedToken> _tokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RegistryChallenge> _lastChallenge = new(StringComparer.Ordinal);

    // A Basic challenge holds for the whole registry: once seen, every request carries the credentials.
    private RegistryChallenge? _basic;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string access = AccessKey(request);
        if ((Volatile.Read(ref _basic) ?? _lastChallenge.GetValueOrDefault(access)) is { } known)
        {
            request.Headers.Authorization = await AuthorizationAsync(known, cancellationToken).ConfigureAwait(false);
        }

        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || !RegistryRequests.CanResend(request)
            || RegistryChallenge.From(response.Headers.WwwAuthenticate) is not { } challenge)
        {
            return response;
        }

        AuthenticationHeaderValue? authorization = await AuthorizationAsync(challenge, cancellationToken).ConfigureAwait(false);
        if (challenge.IsBearer && authorization is not null && authorization.Equals(request.Headers.Authorization))
        {
            // The registry refused a cached token before its stated expiry (revoked, or clocks apart): fetch a new one.
            _tokens.TryRemove(ScopeOf(challenge), out _);
            authorization = await AuthorizationAsync(challenge, cancellationToken).ConfigureAwait(false);
        }

        if (authorization is null || authorization.Equals(request.Headers.Authorization))
        {
            // Nothing new to offer: the 401 stands (wrong credentials, or anonymous access refused).
            return response;
        }

        response.Dispose();
        if (challenge.IsBasic)
        {
            Volatile.Write(ref _basic, challenge);
        }

        _lastChallenge[access] = challenge;
        request.Headers.Authorization = authorization;
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What authorizes one kind of request: its method's access to its repository (and a mount's source).</summary>
    private static string AccessKey(HttpRequestMessage request)
    {
        string access = request.Method == HttpMethod.Get || request.Method == HttpMethod.Head ? "pull"
            : request.Method == HttpMethod.Delete ? "delete"
            : "push";
        string path = request.RequestUri?.AbsolutePath ?? string.Empty;
        int resource = new[] { "/blobs/", "/manifests/", "/tags/" }.Max(marker => path.LastIndexOf(marker, StringComparison.Ordinal));
        string repository = resource > 0 ? path[..resource] : path;
        string? from = request.RequestUri is { Query.Length: > 0 } uri ? HttpUtility.ParseQueryString(uri.Query)["from"] : null;
        return $"{access} {repository} {from}";
    }

    private async Task<AuthenticationHeaderValue?> AuthorizationAsync(RegistryChallenge challenge, CancellationToken cancellationToken)
    {
        if (challenge.IsBasic)
        {
            return username is null ? null : new AuthenticationHeaderValue("Basic", BasicCredentials());
        }

        string scope = ScopeOf(challenge);
        if (_tokens.TryGetValue(scope, out CachedToken? cached) && cached.ExpiresAt > timeProvider.GetUtcNow())
        {
            return new AuthenticationHeaderValue("Bearer", cached.Token);
        }

        CachedToken? fresh = await FetchTokenAsync(challenge, cancellationToken).ConfigureAwait(false);
        if (fresh is null)
        {
            return null;
        }

        _tokens[scope] = fresh;
        return new AuthenticationHeaderValue("Bearer", fresh.Token);
    }

    private async Task<CachedToken?> FetchTokenAsync(RegistryChallenge challenge, CancellationToken cancellationToken)
    {
        if (challenge.Realm is not { } realm || !Uri.TryCreate(realm, UriKind.Absolute, out Uri? realmUri))
        {
            LogBadChallenge(challenge.Realm ?? "(none)");
            return null;
        }

        var query = new StringBuilder();
        if (challenge.Service is { } service)
        {
            query.Append("service=").Append(Uri.EscapeDataString(service));
        }

        foreach (string scope in challenge.Scopes)
        {
            query.Append(query.Length > 0 ? "&" : string.Empty).Append("scope=").Append(Uri.EscapeDataString(scope));
        }

        var builder = new UriBuilder(realmUri) { Query = query.ToString() };
        using var request = new HttpRequestMessage(HttpMethod.Get, builder.Uri);
        if (username is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", BasicCredentials());
        }

        using HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            LogTokenRefused(realmUri.GetLeftPart(UriPartial.Path), (int)response.StatusCode);
            return null;
        }

        using JsonDocument body = await JsonDocument.ParseAsync(
            await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), cancellationToken: cancellationToken).ConfigureAwait(false);
        string? token = Text(body.RootElement, "token") ?? Text(body.RootElement, "access_token");
        if (token is null)
        {
            LogTokenRefused(realmUri.GetLeftPart(UriPartial.Path), (int)response.StatusCode);
            return null;
        }

        TimeSpan lifetime = body.RootElement.TryGetProperty("expires_in", out JsonElement expiresIn) && expiresIn.TryGetInt32(out int seconds) && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : DefaultTokenLifetime;
        return new CachedToken(token, timeProvider.GetUtcNow() + lifetime - ExpiryMargin);
    }

    private static string ScopeOf(RegistryChallenge challenge) => string.Join(' ', challenge.Scopes);

    private string BasicCredentials() => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"));

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private sealed record CachedToken(string Token, DateTimeOffset ExpiresAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The registry's bearer challenge names no usable realm ({Realm})")]
    private partial void LogBadChallenge(string realm);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The token service {Realm} answered {StatusCode} without a token")]
    private partial void LogTokenRefused(string realm, int statusCode);
}
