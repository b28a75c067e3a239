using System.Net.Mime;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.Extensions.Options;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace GeoSync.Examples.ContainerGroup;

/// <summary>
/// Receives GeoSync's deploy webhook (<c>POST /</c>): verifies the Standard Webhooks signature, and for an
/// <c>io.geosync.image.synced</c> event builds the body of an Alibaba Cloud ECI <c>CreateContainerGroup</c> request
/// that runs <c>data.image</c>, with <c>AcrRegistryInfo</c> (instance ID, name, region and domains) filled from the
/// payload's registry instance so the group pulls without a password. It prints the request and answers with it;
/// sending it is one call of the cloud's SDK (see README.md).
/// </summary>
public static class ContainerGroupReceiver
{
    private static readonly JsonEventFormatter Formatter = new();

    /// <summary>The receiver's web application; <paramref name="output"/> (default: standard output) gets each request.</summary>
    public static WebApplication Create(string[] args, Action<ContainerGroupOptions>? configure = null, TextWriter? output = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
        builder.Services.Configure<ContainerGroupOptions>(builder.Configuration.GetSection("Receiver"));
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        WebApplication app = builder.Build();
        TextWriter writer = TextWriter.Synchronized(output ?? Console.Out);
        app.MapPost("/", (HttpRequest request, IOptions<ContainerGroupOptions> options) => ReceiveAsync(request, options.Value, writer));
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpRequest request, ContainerGroupOptions options, TextWriter output)
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
            return Results.NoContent(); // A delete leaves running groups alone.
        }

        JsonElement data = (JsonElement)cloudEvent.Data!;
        if (!data.TryGetProperty("image", out JsonElement image))
        {
            return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "no data.image",
                detail: "set \"pull\": \"vpc\" or \"public\" on the GeoSync webhook, so the payload names the one image to run");
        }

        JsonObject creation = CreateContainerGroup(options, image.GetString()!, data.GetProperty("digest").GetString()!, data.GetProperty("region").GetProperty("registry"));
        string text = creation.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        await output.WriteLineAsync($"CreateContainerGroup {text}");
        await output.FlushAsync();
        return Results.Text(text, "application/json");
    }

    /// <summary>The request's parameters as ECI names them; absent options are left out.</summary>
    private static JsonObject CreateContainerGroup(ContainerGroupOptions options, string image, string digest, JsonElement registry)
    {
        JsonElement? instance = registry.TryGetProperty("instance", out JsonElement i) ? i : null;
        string? regionId = instance is { } named && named.TryGetProperty("cloudRegion", out JsonElement cloudRegion) ? cloudRegion.GetString() : options.RegionId;
        var request = new JsonObject
        {
            ["RegionId"] = regionId,
            ["ContainerGroupName"] = $"{options.Name}-{digest[(digest.IndexOf(':', StringComparison.Ordinal) + 1)..][..12]}",
            ["SecurityGroupId"] = options.SecurityGroupId,
            ["VSwitchId"] = options.VSwitchId,
            ["Container"] = new JsonArray(new JsonObject { ["Name"] = options.Container, ["Image"] = image }),
        };
        if (instance is { } acr)
        {
            var domains = new JsonArray();
            foreach (string network in new[] { "vpc", "public" })
            {
                if (registry.TryGetProperty(network, out JsonElement domain))
                {
                    domains.Add(domain.GetString());
                }
            }

            request["AcrRegistryInfo"] = new JsonArray(new JsonObject
            {
                ["InstanceId"] = acr.GetProperty("id").GetString(),
                ["InstanceName"] = acr.TryGetProperty("name", out JsonElement name) ? name.GetString() : null,
                ["RegionId"] = regionId,
                ["Domain"] = domains,
            });
        }

        foreach (string absent in request.Where(p => p.Value is null).Select(p => p.Key).ToArray())
        {
            request.Remove(absent);
        }

        return request;
    }

    private static StandardWebhook Webhook(string secret) =>
        secret.StartsWith("whsec_", StringComparison.Ordinal) ? new StandardWebhook(secret) : new StandardWebhook(Encoding.UTF8.GetBytes(secret));
}
