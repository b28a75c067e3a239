using System.Diagnostics;
using System.Text;
using GeoSync.Testing.Registry;

namespace GeoSync.Testing.Nodes;

/// <summary>
/// <c>geosync serve</c> as a separate process (the <c>geosync.dll</c> built beside the test or benchmark) on a
/// loopback port, so it can be killed with SIGKILL mid-work and started again on the same files, as a crash and a
/// restart would. Its output is read as it comes, so the node never blocks on a full pipe.
/// </summary>
public sealed class ServeProcess : IAsyncDisposable
{
    private const int KeptErrors = 20;
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<string> _firstErrors = [];

    private ServeProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    /// <summary>Everything the node printed so far.</summary>
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

    /// <summary>The node's last <paramref name="lines"/> output lines.</summary>
    public string Tail(int lines = 30) => string.Join('\n', Output.Split('\n').TakeLast(lines + 1)).TrimEnd();

    /// <summary>The first errors the node logged (<c>serve</c> logs one line per entry: <c>fail:</c> or <c>crit:</c>).</summary>
    public string FirstErrors
    {
        get
        {
            lock (_output)
            {
                return string.Join('\n', _firstErrors);
            }
        }
    }

    /// <summary>CPU time the node has used so far (user and system).</summary>
    public TimeSpan ProcessorTime
    {
        get
        {
            _process.Refresh();
            return _process.HasExited ? TimeSpan.Zero : _process.TotalProcessorTime;
        }
    }

    /// <summary>The most memory the node has held so far (its peak resident set, <c>VmHWM</c>), in bytes.</summary>
    public long PeakMemoryBytes
    {
        get
        {
            _process.Refresh();
            return _process.HasExited ? 0 : _process.PeakWorkingSet64;
        }
    }

    /// <summary>Starts <c>geosync serve --topology</c> with <paramref name="environment"/> added and waits until it answers <c>/readyz</c>.</summary>
    public static async Task<ServeProcess> StartAsync(string topologyPath, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken = default)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "geosync.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("geosync.dll is not beside this assembly (reference src/GeoSync.Host)", dll);
        }

        int port = FreePort.Next();
        ProcessStartInfo start = ExternalProcess.StartInfo("dotnet", [dll, "serve", "--topology", topologyPath, "--listen", $"http://127.0.0.1:{port}"], environment);
        var node = new ServeProcess(ExternalProcess.Start(start), new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            using var http = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            // A silo joining a cluster on a busy shared machine can take a while.
            await Eventually.HoldsAsync(() => node.ReadyAsync(http, cancellationToken), TimeSpan.FromSeconds(90), $"geosync serve ({topologyPath}) answers /readyz").ConfigureAwait(false);
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return node;
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an OOM kill.</summary>
    public Task KillAsync() => ExternalProcess.StopAsync(_process);

    public async ValueTask DisposeAsync()
    {
        await KillAsync().ConfigureAwait(false);
        _process.Dispose();
    }

    private async Task<bool> ReadyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"geosync serve exited with {_process.ExitCode}:\n{Tail()}");
        }

        try
        {
            using HttpResponseMessage response = await http.GetAsync("readyz", cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when ((ex is HttpRequestException or TaskCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            // Not listening yet, or still joining the cluster: ask again.
            return false;
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_firstErrors.Count < KeptErrors && (line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal)))
            {
                _firstErrors.Add(line.Length > 2000 ? line[..2000] : line);
            }

            _output.AppendLine(line);
        }
    }
}
