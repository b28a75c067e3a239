using System.Text.Json;

namespace GeoSync.Domain.Topology.Parsing;

/// <summary>Reads the <c>engine</c> section; absent fields take the built-in defaults.</summary>
internal static class EngineParser
{
    private const string Sqlite = "sqlite";
    private const string Postgres = "postgres";

    public static EngineSettings Parse(TopologyReader reader, ObjectFields? engine)
    {
        if (engine is null)
        {
            return EngineSettings.Default;
        }

        string listen = engine.Read("listen", (e, p) => ListenUrl(reader, e, p)) ?? EngineSettings.DefaultListen;
        string dataDirectory = engine.String("dataDirectory") ?? EngineSettings.DefaultDataDirectory;
        PersistenceSettings persistence = Persistence(reader, engine.Object("persistence", TopologyShapes.Persistence), dataDirectory);
        SecretReference? statusToken = engine.Secret("statusToken");
        long maxEventBodyBytes = engine.Int64("maxEventBodyBytes", 1) ?? EngineSettings.DefaultMaxEventBodyBytes;
        TimeSpan inboxRetention = engine.Duration("inboxRetention") ?? EngineSettings.DefaultInboxRetention;
        TimeSpan abandonAfter = engine.Duration("abandonAfter") ?? EngineSettings.DefaultAbandonAfter;
        ClusterSettings cluster = Cluster(reader, engine.Object("cluster", TopologyShapes.Cluster));
        return new EngineSettings(listen, dataDirectory, persistence, statusToken, maxEventBodyBytes) { InboxRetention = inboxRetention, AbandonAfter = abandonAfter, Cluster = cluster };
    }

    private static ClusterSettings Cluster(TopologyReader reader, ObjectFields? cluster)
    {
        if (cluster is null)
        {
            return ClusterSettings.Default;
        }

        string id = cluster.Read("id", (e, p) => ClusterId(reader, e, p)) ?? ClusterSettings.DefaultId;
        int? siloPort = cluster.ReadValue("siloPort", (e, p) => Port(reader, e, p, minimum: 1));
        int gatewayPort = cluster.ReadValue("gatewayPort", (e, p) => Port(reader, e, p, minimum: 0)) ?? 0;
        string? address = cluster.Read("advertisedAddress", (e, p) => IpAddress(reader, e, p));
        if (siloPort is int silo && silo == gatewayPort)
        {
            reader.Error(cluster.PathOf("gatewayPort"), $"the gateway port {gatewayPort} is the silo port; give each its own");
        }

        return new ClusterSettings(id, siloPort, gatewayPort, address);
    }

    private static string? ClusterId(TopologyReader reader, JsonElement element, string path)
    {
        string? id = reader.String(element, path);
        if (id is not null && (id.Length is 0 or > 64 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            reader.Error(path, $"'{id}' is not a cluster id; use 1 to 64 letters, digits, '-', '_' or '.'");
            return null;
        }

        return id;
    }

    private static int? Port(TopologyReader reader, JsonElement element, string path, int minimum) =>
        (int?)reader.Integer(element, path, minimum, 65535);

    private static string? IpAddress(TopologyReader reader, JsonElement element, string path)
    {
        string? text = reader.String(element, path);
        if (text is not null && !System.Net.IPAddress.TryParse(text, out _))
        {
            reader.Error(path, $"'{text}' is not an IP address; the address other nodes reach this one at, e.g. 10.0.0.5");
            return null;
        }

        return text;
    }

    private static PersistenceSettings Persistence(TopologyReader reader, ObjectFields? persistence, string dataDirectory)
    {
        PersistenceSettings fallback = PersistenceSettings.DefaultSqlite(dataDirectory);
        if (persistence is null)
        {
            return fallback;
        }

        string? provider = persistence.String("provider", required: true);
        if (provider is null)
        {
            return fallback;
        }

        if (provider is not (Sqlite or Postgres))
        {
            reader.Error(persistence.PathOf("provider"), $"unknown provider '{provider}'; expected '{Sqlite}' or '{Postgres}'");
            return fallback;
        }

        if (provider == Postgres)
        {
            // A PostgreSQL connection string carries a password, so only a reference is accepted.
            SecretReference? secret = persistence.Secret("connectionString", required: true);
            return new PersistenceSettings(PersistenceProvider.Postgres, null, secret);
        }

        JsonElement? connectionString = persistence.Get("connectionString");
        if (connectionString is { ValueKind: JsonValueKind.String } element && SecretReference.LooksLikeReference(element.GetString()))
        {
            return new PersistenceSettings(PersistenceProvider.Sqlite, null, persistence.Secret("connectionString"));
        }

        string? literal = persistence.String("connectionString");
        if (literal is null)
        {
            return fallback;
        }

        if (literal.Contains("password", StringComparison.OrdinalIgnoreCase))
        {
            reader.Error(persistence.PathOf("connectionString"), "inline secret: a connection string with a password must be a reference, env:NAME or file:PATH");
        }

        return new PersistenceSettings(PersistenceProvider.Sqlite, literal, null);
    }

    /// <summary>A Kestrel URL: http(s), a host (<c>*</c> and <c>+</c> mean every address) and no path.</summary>
    private static string? ListenUrl(TopologyReader reader, JsonElement element, string path)
    {
        string? text = reader.String(element, path);
        if (text is null)
        {
            return null;
        }

        string checkable = text.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
        if (!Uri.TryCreate(checkable, UriKind.Absolute, out Uri? uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) ||
            uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
        {
            reader.Error(path, $"'{text}' is not a listen URL; write http://host:port, e.g. {EngineSettings.DefaultListen}");
            return null;
        }

        return text;
    }
}
