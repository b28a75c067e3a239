using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using GeoSync.Testing.Registry;

namespace GeoSync.Testing.Prometheus;

/// <summary>
/// A real Prometheus server (Debian's <c>prometheus</c>) on 127.0.0.1 and a free port, scraping one target's
/// <c>/metrics</c> every second, with its own data directory. <see cref="StartAsync"/> returns once the server is
/// ready and throws with what it printed when it cannot start; stopped on dispose.
/// </summary>
public sealed class PrometheusServer : IAsyncDisposable
{
    private const string Binary = "prometheus";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _output;
    private readonly TestDirectory _directory;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, StringBuilder output, TestDirectory directory, int port)
    {
        _process = process;
        _output = output;
        _directory = directory;
        BaseUri = new Uri($"http://127.0.0.1:{port}/");
        _http = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromSeconds(5) };
    }

    /// <summary>The server's base URL.</summary>
    public Uri BaseUri { get; }

    /// <summary>What the server printed so far (the tail).</summary>
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

    /// <summary>Starts a server scraping <paramref name="target"/> (<c>host:port</c>) at <c>/metrics</c> every second.</summary>
    public static async Task<PrometheusServer> StartAsync(string target, CancellationToken cancellationToken = default)
    {
        string failures = string.Empty;
        // A free port can be taken between probing and binding; try a few.
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            var directory = new TestDirectory("prometheus");
            int port = FreePort.Next();
            string config = directory.Combine("prometheus.yml");
            await File.WriteAllTextAsync(config, Config(target), cancellationToken).ConfigureAwait(false);

            var output = new StringBuilder();
            Process process = ExternalProcess.Start(ExternalProcess.StartInfo(Binary,
            [
                $"--config.file={config}",
                $"--storage.tsdb.path={directory.Combine("data")}",
                $"--web.listen-address=127.0.0.1:{port}",
                "--log.level=warn",
            ]));
            process.OutputDataReceived += (_, e) => ExternalProcess.AppendTail(output, e.Data);
            process.ErrorDataReceived += (_, e) => ExternalProcess.AppendTail(output, e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var server = new PrometheusServer(process, output, directory, port);
            if (await server.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false))
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

        throw new InvalidOperationException($"`{Binary}` did not become ready within {StartTimeout.TotalSeconds:0} s (run tests/infra/install.sh if it is missing); it printed:{failures}");
    }

    /// <summary>
    /// Runs an instant query (<c>/api/v1/query</c>) and returns each series' labels and value; throws when the
    /// server answers with an error.
    /// </summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string query, CancellationToken cancellationToken = default)
    {
        using JsonDocument answer = await _http.GetFromJsonAsync<JsonDocument>($"api/v1/query?query={Uri.EscapeDataString(query)}", cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Prometheus answered nothing to `{query}`");
        JsonElement root = answer.RootElement;
        if (root.GetProperty("status").GetString() != "success")
        {
            throw new InvalidOperationException($"Prometheus rejected `{query}`: {root}");
        }

        return
        [
            .. root.GetProperty("data").GetProperty("result").EnumerateArray().Select(series => (
                (IReadOnlyDictionary<string, string>)series.GetProperty("metric").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty),
                double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture))),
        ];
    }

    /// <summary>The health of the scrape target as Prometheus last saw it (<c>up</c>, <c>lastError</c>), for failure messages.</summary>
    public async Task<string> TargetsAsync(CancellationToken cancellationToken = default) =>
        await _http.GetStringAsync("api/v1/targets", cancellationToken).ConfigureAwait(false);

    /// <summary>Stops the server and deletes its data.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExternalProcess.StopAsync(_process).ConfigureAwait(false);
        }
        finally
        {
            _process.Dispose();
            _http.Dispose();
            _directory.Dispose();
        }
    }

    private static string Config(string target) => $"""
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        scrape_configs:
          - job_name: geosync
            metrics_path: /metrics
            static_configs:
              - targets: ["{target}"]
        """;

    private async Task<bool> WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        DateTime deadline = DateTime.UtcNow + StartTimeout;
        var delay = TimeSpan.FromMilliseconds(50);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false); // flush the output handlers
                return false;
            }

            try
            {
                using HttpResponseMessage response = await _http.GetAsync("-/ready", cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A slow answer while starting.
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 250));
        }

        return false;
    }
}
