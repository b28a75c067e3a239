using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace GeoSync.Testing.Registry;

/// <summary>
/// The token service of a registry with <c>auth: token</c> (the distribution token flow Harbor and ACR use): Kestrel on
/// 127.0.0.1 answering <c>GET /token?service=..&amp;scope=..</c> for one account (basic auth) with a JWT signed RS256 by
/// a key of its own, whose self-signed certificate the registry trusts (<see cref="CertificateBundlePath"/>, its
/// <c>rootcertbundle</c>) and which the token carries in its <c>x5c</c> header. Every scope asked for is granted in
/// full; every request is recorded.
/// </summary>
public sealed class RegistryTokenServer : IAsyncDisposable
{
    /// <summary>The registry's <c>service</c> name (the tokens' audience).</summary>
    public const string Service = "geosync-test-registry";

    /// <summary>The tokens' issuer, as the registry is told to expect.</summary>
    public const string Issuer = "geosync-test-token-server";

    private readonly WebApplication _app;
    private readonly RSA _key;
    private readonly X509Certificate2 _certificate;
    private readonly ConcurrentQueue<TokenRequest> _requests = new();

    private RegistryTokenServer(WebApplication app, RSA key, X509Certificate2 certificate, RegistryUser user, string bundlePath, TimeSpan lifetime)
    {
        _app = app;
        _key = key;
        _certificate = certificate;
        User = user;
        CertificateBundlePath = bundlePath;
        Lifetime = lifetime;
    }

    /// <summary>The one account the server issues tokens to.</summary>
    public RegistryUser User { get; }

    /// <summary>The PEM file holding the signing certificate (the registry's <c>rootcertbundle</c>).</summary>
    public string CertificateBundlePath { get; }

    /// <summary>How long a token lives (its <c>expires_in</c>).</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>The realm the registry's challenge names.</summary>
    public Uri Realm { get; private set; } = null!;

    /// <summary>Every token request so far, granted or not.</summary>
    public IReadOnlyList<TokenRequest> Requests => [.. _requests];

    /// <summary>Starts a token server for <paramref name="user"/>, its certificate bundle written into <paramref name="directory"/>.</summary>
    public static async Task<RegistryTokenServer> StartAsync(RegistryUser user, string directory, TimeSpan? lifetime = null)
    {
        var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=geosync-test-token-server", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        X509Certificate2 certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        Directory.CreateDirectory(directory);
        string bundle = Path.Combine(directory, "token-signer.pem");
        await File.WriteAllTextAsync(bundle, certificate.ExportCertificatePem() + "\n").ConfigureAwait(false);

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();
        var server = new RegistryTokenServer(app, key, certificate, user, bundle, lifetime ?? TimeSpan.FromMinutes(5));
        app.MapGet("/token", server.Issue);
        await app.StartAsync().ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.Realm = new Uri(new Uri(address), "/token");
        return server;
    }

    private IResult Issue(HttpContext context)
    {
        string[] scopes = [.. context.Request.Query["scope"].Where(s => !string.IsNullOrEmpty(s)).Select(s => s!)];
        string? service = context.Request.Query["service"];
        bool signedIn = IsUser(context.Request.Headers.Authorization.ToString());
        _requests.Enqueue(new TokenRequest(service, scopes, signedIn));
        if (!signedIn || service != Service)
        {
            return Results.Unauthorized();
        }

        DateTimeOffset now = DateTimeOffset.UtcNow;
        string token = Sign(new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["sub"] = User.Username,
            ["aud"] = Service,
            ["exp"] = (now + Lifetime).ToUnixTimeSeconds(),
            ["nbf"] = now.AddSeconds(-5).ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["access"] = scopes.Select(Access).ToArray(),
        });
        return Results.Json(new { token, access_token = token, expires_in = (int)Lifetime.TotalSeconds, issued_at = now.ToString("O") });
    }

    private bool IsUser(string authorization)
    {
        const string prefix = "Basic ";
        if (!authorization.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        string credentials = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[prefix.Length..]));
        return credentials == $"{User.Username}:{User.Password}";
    }

    /// <summary><c>repository:team/app:pull,push</c> granted as asked (the name may hold no colon; the type and actions are the ends).</summary>
    private static object Access(string scope)
    {
        int first = scope.IndexOf(':', StringComparison.Ordinal);
        int last = scope.LastIndexOf(':');
        return new { type = scope[..first], name = scope[(first + 1)..last], actions = scope[(last + 1)..].Split(',') };
    }

    private string Sign(Dictionary<string, object> claims)
    {
        string header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { typ = "JWT", alg = "RS256", x5c = new[] { Convert.ToBase64String(_certificate.RawData) } }));
        string payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(claims));
        byte[] signature = _key.SignData(Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{header}.{payload}.{Base64Url(signature)}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _certificate.Dispose();
        _key.Dispose();
    }
}

/// <summary>One request to the token server: the service and scopes asked for, and whether it carried the account's credentials.</summary>
public sealed record TokenRequest(string? Service, IReadOnlyList<string> Scopes, bool SignedIn);
