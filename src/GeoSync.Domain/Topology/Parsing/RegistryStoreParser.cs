namespace GeoSync.Domain.Topology.Parsing;

/// <summary>
/// Reads a <c>registry</c> store: its endpoint (or the region's registry endpoint, VPC before public), optional
/// credentials with the password as a secret reference, and TLS settings.
/// </summary>
internal static class RegistryStoreParser
{
    public static RegistryStoreSettings? Parse(ObjectFields? store, RegistryEndpoints registryEndpoints)
    {
        if (store is null)
        {
            return null;
        }

        RegistryTls tls = Tls(store) ?? RegistryTls.Default;
        RegistryCredentials? credentials = null;
        bool valid = true;
        if (store.Object("credentials", TopologyShapes.RegistryCredentials) is { } fields)
        {
            string? username = fields.String("username", required: true);
            SecretReference? password = fields.Secret("password", required: true);
            credentials = username is null || password is null ? null : new RegistryCredentials(username, password.Value);
            valid = credentials is not null;
        }
        else if (store.Has("credentials"))
        {
            valid = false;
        }

        Uri? endpoint = Endpoint(store, registryEndpoints, tls);
        return endpoint is null || !valid ? null : new RegistryStoreSettings(endpoint, credentials, tls);
    }

    private static Uri? Endpoint(ObjectFields store, RegistryEndpoints registryEndpoints, RegistryTls tls)
    {
        string path = store.PathOf("endpoint");
        Uri? endpoint;
        if (store.Has("endpoint"))
        {
            endpoint = store.HttpUrl("endpoint");
        }
        else
        {
            // GeoSync runs beside the registry: the private endpoint is the cheaper and faster way in.
            endpoint = registryEndpoints.Vpc ?? registryEndpoints.Public;
            if (endpoint is null)
            {
                store.Reader.Error(path, "required field is missing (or set the region's registry.endpoints.vpc or .public)");
                return null;
            }
        }

        if (endpoint is null)
        {
            return null;
        }

        if (endpoint.AbsolutePath != "/" || endpoint.Query.Length > 0 || endpoint.Fragment.Length > 0)
        {
            store.Reader.Error(path, $"'{endpoint}' is not a registry base URL: give only the scheme, host and port (the API lives under /v2/)");
            return null;
        }

        if (endpoint.Scheme == Uri.UriSchemeHttp && !tls.Insecure)
        {
            store.Reader.Error(path, $"'{endpoint}' is plain http: set tls.insecure to true to allow it (loopback and labs only)");
            return null;
        }

        return endpoint;
    }

    private static RegistryTls? Tls(ObjectFields store)
    {
        if (store.Object("tls", TopologyShapes.StoreTls) is not { } tls)
        {
            return null;
        }

        bool insecure = tls.Boolean("insecure") ?? false;
        string? caFile = tls.String("caFile");
        if (caFile is not null && insecure)
        {
            tls.Reader.Error(tls.PathOf("caFile"), "has no effect when insecure is true (certificates are not verified)");
        }
        else if (caFile is not null && caFile.Contains('\0', StringComparison.Ordinal))
        {
            tls.Reader.Error(tls.PathOf("caFile"), "path contains a NUL character");
        }

        return new RegistryTls(insecure, caFile);
    }
}
