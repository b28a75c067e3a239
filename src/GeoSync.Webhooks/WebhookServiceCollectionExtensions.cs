using System.Net;
using GeoSync.Domain.Replication;
using GeoSync.Domain.Topology;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace GeoSync.Webhooks;

/// <summary>Registers deploy-webhook delivery.</summary>
public static class WebhookServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IWebhookPublisher"/> and the replication observer that queues each completed region's
    /// deploy webhooks through it, <see cref="WebhookDispatcher"/> as a hosted service, the sender and its HTTP
    /// client, and <see cref="WebhookOptions"/> validated at start. The caller registers the
    /// <c>IWebhookOutbox</c> (SQLite or PostgreSQL) and the <see cref="IWebhookEndpointSource"/> (the topology);
    /// a <see cref="SecretResolver"/> (environment and working directory) and a <see cref="TimeProvider"/> are added when none is registered.
    /// </summary>
    public static IServiceCollection AddGeoSyncWebhooks(this IServiceCollection services, Action<WebhookOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<WebhookOptions> options = services.AddOptions<WebhookOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ => new SecretResolver());
        services.TryAddSingleton<WebhookWakeup>();
        services.TryAddSingleton<WebhookSender>();
        services.TryAddSingleton<IWebhookPublisher, WebhookPublisher>();
        services.TryAddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IReplicationObserver, WebhookReplicationObserver>());
        services.AddHttpClient(WebhookOptions.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // A redirect is an answer, not a delivery: 3xx is final, and a signed body is never re-posted elsewhere.
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                UseCookies = false,
            });
        return services;
    }
}
