using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace GeoSync.Storage.Registry;

/// <summary>
/// Builds the HTTP pipeline of one registry store: retries outside, challenge answering inside, then a
/// <see cref="SocketsHttpHandler"/> with the store's TLS settings. One long-lived client per store; pooled connections
/// are recycled every few minutes so a registry endpoint that moves (DNS) is followed, which is what
/// IHttpClientFactory would otherwise give.
/// </summary>
internal static class RegistryHttpClient
{
    private static readonly TimeSpan ConnectionLifetime = TimeSpan.FromMinutes(5);

    public static HttpClient Create(RegistryRegionStoreOptions options, TimeProvider timeProvider, ILogger logger)
    {
        var sockets = new SocketsHttpHandler
        {
            PooledConnectionLifetime = ConnectionLifetime,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            AllowAutoRedirect = true,
            SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = CertificateCheck(options) },
        };
        var auth = new RegistryAuthHandler(options.Username, options.Password, timeProvider, logger) { InnerHandler = sockets };
        DelegatingHandler retry = RegistryRetries.Handler(options, timeProvider);
        retry.InnerHandler = auth;
        return new HttpClient(retry)
        {
            BaseAddress = options.Endpoint,
            Timeout = options.RequestTimeout,
            DefaultRequestHeaders = { { "User-Agent", Domain.Events.RegistryEventRequest.GeoSyncUserAgent } },
        };
    }

    /// <summary>Null for the system's verification; everything passes when insecure; the bundle's authorities only with a CA file.</summary>
    private static RemoteCertificateValidationCallback? CertificateCheck(RegistryRegionStoreOptions options)
    {
        if (options.Insecure)
        {
            return (_, _, _, _) => true;
        }

        if (options.CaFile is not { } caFile)
        {
            return null;
        }

        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(caFile);
        return (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
    }
}
