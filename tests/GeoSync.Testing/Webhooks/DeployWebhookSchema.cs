using System.Text.Json;
using Json.Schema;

namespace GeoSync.Testing.Webhooks;

/// <summary>
/// The deploy webhook's JSON Schema (<c>src/GeoSync.Webhooks/deploy-webhook.schema.json</c>, copied beside every
/// assembly that references GeoSync.Webhooks), with formats asserted, for checking the payloads the engine sends.
/// </summary>
public static class DeployWebhookSchema
{
    public const string FileName = "deploy-webhook.schema.json";

    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromText(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, FileName))));

    /// <summary>Every violation of the schema in <paramref name="body"/>, as "instance location: message"; empty when valid.</summary>
    public static IReadOnlyList<string> Check(byte[] body)
    {
        using JsonDocument document = JsonDocument.Parse(body);
        EvaluationResults results = Schema.Value.Evaluate(
            document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (results.IsValid)
        {
            return [];
        }

        string[] errors = [.. (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))];
        return errors.Length > 0 ? errors : ["invalid, without details"];
    }
}
