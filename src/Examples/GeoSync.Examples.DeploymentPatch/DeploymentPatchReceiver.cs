using System.Net.Mime;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.Extensions.Options;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace GeoSync.Examples.DeploymentPatch;

/// <summary>
/// Receives GeoSync's deploy webhook (<c>POST /</c>): verifies the Standard Webhooks signature, and for an
/// <c>io.geosync.image.synced</c> event builds the strategic-merge patch that points a Deployment's container at
/// <c>data.image</c> and, when the region names its registry instance, annotates the pod template with
/// <c>k8s.aliyun.com/acr-instance-id</c> (password-free pulls on ACK serverless). It prints the patch and answers
/// with it; sending it to the cluster is one call of any Kubernetes client (see README.md).
/// </summary>
public static class DeploymentPatchReceiver
{
    public const string InstanceAnnotation = "k8s.aliyun.com/acr-instance-id";

    private static readonly JsonEventFormatter Formatter = new();

    /// <summary>The receiver's web application; <paramref name="output"/> (default: standard output) gets each patch.</summary>
    public static WebApplication Create(string[] args, Action<DeploymentPatchOptions>? configure = null, TextWriter? output = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
        builder.Services.Configure<DeploymentPatchOptions>(builder.Configuration.GetSection("Receiver"));
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        WebApplication app = builder.Build();
        TextWriter writer = TextWriter.Synchronized(output ?? Console.Out);
        app.MapPost("/", (HttpRequest request, IOptions<DeploymentPatchOptions> options) => ReceiveAsync(request, options.Value, writer));
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpRequest request, DeploymentPatchOptions options, TextWriter output)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        byte[] body = buffer.ToArray();
        try
        {
            Webhook(options.Secret).Verify(Encoding.UTF8.GetString(body), request.Headers);
        }
        catch (WebhookVerificationException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "signature does not verify", detail: e.Message);
        }

        CloudEvent cloudEvent = Formatter.DecodeStructuredModeMessage(body, new ContentType(request.ContentType ?? "application/cloudevents+json"), null);
        if (cloudEvent.Type != "io.geosync.image.synced")
        {
            return Results.NoContent(); // A delete leaves running pods alone.
        }

        JsonElement data = (JsonElement)cloudEvent.Data!;
        if (!data.TryGetProperty("image", out JsonElement image))
        {
            return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "no data.image",
                detail: "set \"pull\": \"vpc\" or \"public\" on the GeoSync webhook, so the payload names the one image to roll out");
        }

        string? instanceId = data.GetProperty("region").GetProperty("registry").TryGetProperty("instance", out JsonElement instance)
            ? instance.GetProperty("id").GetString()
            : null;
        var patch = new JsonObject
        {
            ["path"] = $"/apis/apps/v1/namespaces/{options.Namespace}/deployments/{options.Deployment}",
            ["contentType"] = "application/strategic-merge-patch+json",
            ["patch"] = Patch(options.Container, image.GetString()!, instanceId),
        };
        string text = patch.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        await output.WriteLineAsync($"PATCH {text}");
        await output.FlushAsync();
        return Results.Text(text, "application/json");
    }

    /// <summary>Containers merge by name in a strategic-merge patch: only the named container's image changes.</summary>
    private static JsonObject Patch(string container, string image, string? instanceId)
    {
        var template = new JsonObject
        {
            ["spec"] = new JsonObject { ["containers"] = new JsonArray(new JsonObject { ["name"] = container, ["image"] = image }) },
        };
        if (instanceId is not null)
        {
            template["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [InstanceAnnotation] = instanceId } };
        }

        return new JsonObject { ["spec"] = new JsonObject { ["template"] = template } };
    }

    private static StandardWebhook Webhook(string secret) =>
        secret.StartsWith("whsec_", StringComparison.Ordinal) ? new StandardWebhook(secret) : new StandardWebhook(Encoding.UTF8.GetBytes(secret));
}
