using System.Diagnostics;
using System.Text;

namespace GeoSync.Testing.Registry;

/// <summary>
/// A real CNCF distribution registry (<c>docker-registry serve</c>) on 127.0.0.1 and a free port, with the
/// filesystem storage driver rooted at a given folder, optionally notifications to an endpoint, htpasswd basic auth
/// (the file written with <c>htpasswd -B</c>) or token auth (<see cref="RegistryTokenServer"/>), and an access log. Started by
/// <see cref="StartAsync"/>, which returns only once <c>/v2/</c> answers, and throws with what the registry printed
/// when it cannot start; stopped on dispose.
/// </summary>
public sealed class RegistryServer : IAsyncDisposable
{
    private const string Binary = "docker-registry";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);

    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly TestDirectory _configDirectory;

    private RegistryServer(Process process, StringBuilder output, TestDirectory configDirectory, string storageRoot, int port)
    {
        _process = process;
        _output = output;
        _configDirectory = configDirectory;
        StorageRoot = storageRoot;
        Port = port;
    }

    /// <summary>The store the registry serves (its <c>rootdirectory</c>).</summary>
    public string StorageRoot { get; }

    /// <summary>The port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>, as used in image references (<c>docker://127.0.0.1:port/team/app:v1</c>).</summary>
    public string Address => $"127.0.0.1:{Port}";

    /// <summary>The registry's base URL, e.g. <c>http://127.0.0.1:5000/</c>.</summary>
    public Uri BaseUri => new($"http://{Address}/");

    /// <summary>What the registry printed so far (warnings and errors).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts a registry over <paramref name="storageRoot"/> (created if missing) and waits until it serves.</summary>
    public static async Task<RegistryServer> StartAsync(
        string storageRoot, RegistryNotificationEndpoint? notifications = null, RegistryServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(storageRoot);
        options ??= new RegistryServerOptions();
        string failures = string.Empty;
        // A free port can be taken between probing and binding; try a few.
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            var configDirectory = new TestDirectory("registry-config");
            int port = FreePort.Next();
            string configPath = configDirectory.Combine("config.yml");
            string? htpasswd = options.User is { } user ? await WriteHtpasswdAsync(configDirectory, user, cancellationToken).ConfigureAwait(false) : null;
            await File.WriteAllTextAsync(configPath, RegistryConfig.Render(storageRoot, port, notifications, options, htpasswd), cancellationToken).ConfigureAwait(false);

            var output = new StringBuilder();
            Process process = ExternalProcess.Start(ExternalProcess.StartInfo(Binary, ["serve", configPath]));
            process.OutputDataReceived += (_, e) => ExternalProcess.AppendTail(output, e.Data);
            process.ErrorDataReceived += (_, e) => ExternalProcess.AppendTail(output, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var server = new RegistryServer(process, output, configDirectory, storageRoot, port);
            if (await server.WaitUntilServingAsync(cancellationToken).ConfigureAwait(false))
            {
                return server;
            }

            string printed = server.Output;
            await server.DisposeAsync().ConfigureAwait(false);
            failures += $"\nattempt {attempt} on port {port}:\n{printed}";
            if (!printed.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                break;
            }
        }

        throw new InvalidOperationException($"`{Binary} serve` did not start serving {storageRoot} within {StartTimeout.TotalSeconds:0} s; it printed:{failures}");
    }

    /// <summary>Writes the account with a bcrypt hash (the only kind distribution's htpasswd auth accepts).</summary>
    private static async Task<string> WriteHtpasswdAsync(TestDirectory directory, RegistryUser user, CancellationToken cancellationToken)
    {
        string path = directory.Combine("htpasswd");
        string line = await ExternalProcess.RunAsync("htpasswd", ["-Bbn", user.Username, user.Password], cancellationToken: cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(path, line.Trim() + "\n", cancellationToken).ConfigureAwait(false);
        return path;
    }

    private async Task<bool> WaitUntilServingAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        DateTime deadline = DateTime.UtcNow + StartTimeout;
        var delay = TimeSpan.FromMilliseconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false); // flush the output handlers
                return false;
            }

            try
            {
                using HttpResponseMessage response = await http.GetAsync(new Uri(BaseUri, "v2/"), cancellationToken).ConfigureAwait(false);
                // A registry with auth answers its challenge once it serves.
                if (response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.Unauthorized)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 200));
        }

        return false;
    }

    /// <summary>Stops the registry.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExternalProcess.StopAsync(_process).ConfigureAwait(false);
        }
        finally
        {
            _process.Dispose();
            _configDirectory.Dispose();
        }
    }
}
