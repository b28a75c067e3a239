namespace GeoSync.Testing.Registry;

/// <summary>
/// <c>skopeo</c> between OCI layouts and real registries on loopback (plain HTTP). Each instance keeps skopeo's
/// blob-info cache in its own temporary folder: as root skopeo would share <c>/var/lib/containers/cache</c> across
/// runs, and a cache that remembers blobs from an earlier run can make skopeo skip or mount what a test means to
/// copy. Setting <c>_CONTAINERS_ROOTLESS_UID</c> makes skopeo take its rootless paths, under <c>XDG_DATA_HOME</c>.
/// </summary>
public sealed class Skopeo : IDisposable
{
    private readonly TestDirectory _home = new("skopeo");
    private readonly Dictionary<string, string> _environment;

    public Skopeo()
    {
        _environment = new Dictionary<string, string>
        {
            ["XDG_DATA_HOME"] = _home.Combine("data"),
            ["XDG_CONFIG_HOME"] = _home.Combine("config"),
            ["XDG_RUNTIME_DIR"] = _home.Combine("run"),
        };
        if (Environment.IsPrivilegedProcess)
        {
            // Any non-zero uid: it only switches skopeo to its per-user paths.
            _environment["_CONTAINERS_ROOTLESS_UID"] = "1000";
        }

        Directory.CreateDirectory(_environment["XDG_RUNTIME_DIR"]);
    }

    /// <summary>Pushes <c>layout:tag</c> to <c>registry/repository:targetTag</c>, every platform of an index, digests unchanged.</summary>
    public Task PushAsync(OciLayout layout, string tag, RegistryServer registry, string repository, string targetTag, CancellationToken cancellationToken = default) =>
        CopyAsync($"oci:{layout.Path}:{tag}", $"docker://{registry.Address}/{repository}:{targetTag}", preserveDigests: true, cancellationToken);

    /// <summary>Pulls <c>registry/repository:tag</c> (or <c>@digest</c> when <paramref name="reference"/> starts with <c>sha256:</c>) into a layout.</summary>
    public async Task<OciLayout> PullAsync(RegistryServer registry, string repository, string reference, string layoutPath, string layoutTag, CancellationToken cancellationToken = default)
    {
        string separator = reference.StartsWith("sha256:", StringComparison.Ordinal) ? "@" : ":";
        await CopyAsync($"docker://{registry.Address}/{repository}{separator}{reference}", $"oci:{layoutPath}:{layoutTag}", preserveDigests: true, cancellationToken).ConfigureAwait(false);
        return OciLayout.Open(layoutPath);
    }

    /// <summary><c>skopeo copy --all</c> between two references, with extra arguments (e.g. <c>--format v2s2</c>).</summary>
    public Task CopyAsync(string source, string destination, bool preserveDigests, CancellationToken cancellationToken = default, params string[] extra)
    {
        List<string> arguments = ["--insecure-policy", "copy", "--all", "--src-tls-verify=false", "--dest-tls-verify=false", "--retry-times", "0"];
        if (preserveDigests)
        {
            arguments.Add("--preserve-digests");
        }

        arguments.AddRange(extra);
        arguments.AddRange([source, destination]);
        return ExternalProcess.RunAsync("skopeo", arguments, _environment, cancellationToken: cancellationToken);
    }

    /// <summary>The raw manifest <c>skopeo inspect --raw</c> reads for a reference, or null when the registry has none.</summary>
    public async Task<string?> TryInspectRawAsync(RegistryServer registry, string repository, string reference, CancellationToken cancellationToken = default)
    {
        string separator = reference.StartsWith("sha256:", StringComparison.Ordinal) ? "@" : ":";
        try
        {
            return await ExternalProcess.RunAsync(
                "skopeo",
                ["--insecure-policy", "inspect", "--raw", "--tls-verify=false", "--retry-times", "0", $"docker://{registry.Address}/{repository}{separator}{reference}"],
                _environment,
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("manifest unknown", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
    }

    public void Dispose() => _home.Dispose();
}
