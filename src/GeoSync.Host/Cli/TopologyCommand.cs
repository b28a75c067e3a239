using System.CommandLine;
using GeoSync.Domain.Topology;
using GeoSync.Host.Configuration;

namespace GeoSync.Host.Cli;

/// <summary>
/// <c>geosync topology validate FILE...</c>: validates topology files. Exit 0 with one summary line per file on
/// stdout when all are valid; exit 2 with every error as <c>FILE: PATH: reason</c> on stderr otherwise. Secrets
/// are not resolved: a file validates on a machine that does not hold them.
/// </summary>
public static class TopologyCommand
{
    /// <summary>Builds the <c>topology</c> command and its subcommands.</summary>
    public static Command Create(TextWriter output, TextWriter error)
    {
        var files = new Argument<string[]>("FILE")
        {
            Description = "Topology files to validate (e.g. appsettings.regions.json topology/*.json; a JSON Schema among them is skipped).",
            Arity = ArgumentArity.OneOrMore,
        };
        var validate = new Command("validate", "Validate topology files: versions, fields, names, references, secrets as references, patterns.")
        {
            files,
        };
        validate.SetAction((parseResult, cancellationToken) => ValidateAsync(parseResult.GetValue(files) ?? [], output, error, cancellationToken));

        return new Command("topology", "Work with topology files.") { validate };
    }

    /// <summary>Validates each file, reporting all of them; 0 when every file is valid, 2 otherwise.</summary>
    public static async Task<int> ValidateAsync(IReadOnlyList<string> files, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        int exitCode = GeoSyncCli.Success;
        foreach (string file in files)
        {
            try
            {
                string text = await TopologyFileReader.ReadAsync(file, cancellationToken).ConfigureAwait(false);
                if (TopologyFileReader.IsJsonSchema(text))
                {
                    await output.WriteLineAsync($"{TerminalText.Plain(file)}: a JSON Schema, not a topology: skipped").ConfigureAwait(false);
                    continue;
                }

                RegionTopology topology = RegionTopology.Parse(file, text);
                await output.WriteLineAsync($"{topology}: valid").ConfigureAwait(false);
            }
            catch (TopologyValidationException ex)
            {
                exitCode = GeoSyncCli.InvalidInput;
                foreach (TopologyError topologyError in ex.Errors)
                {
                    await error.WriteLineAsync(TerminalText.Plain(topologyError.ToString())).ConfigureAwait(false);
                }
            }
        }

        return exitCode;
    }
}
