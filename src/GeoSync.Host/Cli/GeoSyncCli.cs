using System.CommandLine;
using System.CommandLine.Help;

namespace GeoSync.Host.Cli;

/// <summary>
/// The <c>geosync</c> command line. Each command lives in its own file and is added here. Exit codes: 0 success,
/// 1 the command ran but the outcome is not what was asked (e.g. not everything Synced), 2 invalid input, 3 (status)
/// nothing is left to do but events GeoSync gave up on, which an operator retries or drops.
/// </summary>
public static class GeoSyncCli
{
    /// <summary>Exit code for success.</summary>
    public const int Success = 0;

    /// <summary>Exit code when the command ran but the state is not the one asked for.</summary>
    public const int NotSatisfied = 1;

    /// <summary>Exit code for invalid input (bad files, arguments or topology).</summary>
    public const int InvalidInput = 2;

    /// <summary>
    /// Exit code of <c>status</c> when nothing selected has work left but some of it was given up on (Abandoned):
    /// no wait ends it, an operator retries or drops those events (<c>geosync events</c>).
    /// </summary>
    public const int Abandoned = 3;

    /// <summary>Builds the command tree with output going to the given writers.</summary>
    public static RootCommand Build(TextWriter output, TextWriter error)
    {
        var root = new RootCommand("GeoSync: geo-replication for container registries.");
        root.Subcommands.Add(TopologyCommand.Create(output, error));
        root.Subcommands.Add(ServeCommand.Create(output, error));
        root.Subcommands.Add(DemoCommand.Create(output, error));
        root.Subcommands.Add(ImportCommand.Create(output, error));
        root.Subcommands.Add(ResyncCommand.Create(output, error));
        root.Subcommands.Add(PlanCommand.Create(output, error));
        root.Subcommands.Add(LinksCommand.Create(output, error));
        root.Subcommands.Add(StatusCommand.Create(output, error));
        root.Subcommands.Add(DeliveriesCommand.Create(output, error));
        root.Subcommands.Add(EventsCommand.Create(output, error));
        return root;
    }

    /// <summary>Runs the CLI with <paramref name="args"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        RootCommand root = Build(output, error);
        ParseResult parse = root.Parse(args);
        if (parse.Action is HelpAction)
        {
            using var help = new StringWriter();
            await parse.InvokeAsync(new InvocationConfiguration { Output = help, Error = error }, cancellationToken).ConfigureAwait(false);
            await output.WriteAsync(CliHelp.MarkOptionalArguments(help.ToString(), root)).ConfigureAwait(false);
            return Success;
        }

        var config = new InvocationConfiguration { Output = output, Error = error };
        int code = await parse.InvokeAsync(config, cancellationToken).ConfigureAwait(false);
        // A command line that does not parse (missing argument, unknown option) is invalid input, like a bad file.
        return parse.Errors.Count > 0 && code != Success ? InvalidInput : code;
    }
}
