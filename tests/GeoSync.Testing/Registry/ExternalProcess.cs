using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace GeoSync.Testing.Registry;

/// <summary>Runs a command-line tool the tests depend on (umoci, tar, skopeo) and fails loudly, with its output, when it fails.</summary>
public static class ExternalProcess
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs <paramref name="fileName"/> to completion; returns its standard output; throws with everything it printed on a non-zero exit.</summary>
    public static async Task<string> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null,
        CancellationToken cancellationToken = default)
    {
        ProcessStartInfo start = StartInfo(fileName, arguments, environment, workingDirectory);
        string commandLine = $"{fileName} {string.Join(' ', start.ArgumentList)}";
        using Process process = Start(start);
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{commandLine}` did not finish within {DefaultTimeout.TotalSeconds:0} s");
        }

        string output = await stdout.ConfigureAwait(false);
        string errors = await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"`{commandLine}` exited with {process.ExitCode}:\n{errors}\n{output}".TrimEnd());
        }

        return output;
    }

    /// <summary>The start info for a tool, with output redirected and extra environment variables set.</summary>
    public static ProcessStartInfo StartInfo(
        string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return start;
    }

    /// <summary>Starts a process; a missing tool fails with the install hint instead of a bare Win32Exception.</summary>
    public static Process Start(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException($"could not start `{start.FileName}`");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"could not start `{start.FileName}` ({e.Message}); it must be on PATH — run tests/infra/install.sh", e);
        }
    }

    /// <summary>Kills a server and its children and waits (at most 10 s) until it has exited.</summary>
    public static async Task StopAsync(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (TimeoutException)
        {
            // Killed but not yet reaped; the OS finishes it.
        }
    }

    /// <summary>Adds a line of a server's output, keeping only the tail: a chatty server must not grow the test process without bound.</summary>
    public static void AppendTail(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            if (output.Length > 64 * 1024)
            {
                output.Remove(0, output.Length - 32 * 1024);
            }

            output.AppendLine(line);
        }
    }
}
