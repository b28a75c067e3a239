namespace GeoSync.Testing.Registry;

/// <summary>How a test registry is set up beyond its store: who may use it and whether it logs each request.</summary>
public sealed record RegistryServerOptions
{
    /// <summary>The one account of an htpasswd (bcrypt) basic-auth registry; null for anonymous access (or token auth).</summary>
    public RegistryUser? User { get; init; }

    /// <summary>The token service of a registry with <c>auth: token</c>; its tokens are the only way in.</summary>
    public RegistryTokenServer? TokenServer { get; init; }

    /// <summary>Keeps the registry's access log (one line per request) in <see cref="RegistryServer.Output"/>.</summary>
    public bool AccessLog { get; init; }
}

/// <summary>A registry account.</summary>
public sealed record RegistryUser(string Username, string Password);
