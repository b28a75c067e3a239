using System.Text.Json.Nodes;

namespace GeoSync.Domain.Tests.Topology;

/// <summary>A valid topology that uses every feature, and helpers to derive broken variants from it.</summary>
internal static class SampleTopology
{
    public const string FileName = "sample.json";

    public const string Json = """
        {
          "version": 1,
          "engine": { "dataDirectory": "/data", "persistence": { "provider": "sqlite" } },
          "defaults": {
            "region": { "priority": 50, "limits": { "concurrency": 4, "bandwidthBytesPerSecond": 1000 } },
            "rule": { "deletes": true, "referrers": false, "reconcileInterval": "00:02:00" },
            "webhook": { "maxAge": "02:00:00", "timeout": "00:00:03" },
            "linkCost": 70,
            "currency": "EUR"
          },
          "regions": [
            {
              "name": "eu-west", "priority": 1,
              "store": { "kind": "filesystem", "path": "regions/eu-west" },
              "registry": {
                "domains": { "public": "eu.registry.example.com", "vpc": "eu.registry-vpc.internal:5000" },
                "endpoints": { "public": "https://eu.registry.example.com", "vpc": "http://10.0.0.5:5000" },
                "notificationToken": "env:EU_TOKEN"
              },
              "webhooks": [
                { "name": "eu-deploy", "url": "https://deploy.eu.example.com/hooks", "secrets": ["env:EU_HOOK"], "repositories": ["team/**"], "tags": ["v\\d+"] }
              ]
            },
            {
              "name": "us-east",
              "store": { "kind": "azure", "connectionString": "env:US_BLOB", "container": "registry" },
              "limits": { "bandwidthBytesPerSecond": null },
              "webhooks": [
                { "name": "us-deploy", "url": "https://deploy.us.example.com/hooks", "secrets": ["file:/run/secrets/us", "env:US_HOOK_OLD"], "timeout": "00:00:30" }
              ]
            },
            { "name": "ap-south", "priority": 7, "store": { "kind": "filesystem", "path": "/abs/ap" }, "limits": { "concurrency": 2 } },
            { "name": "spare", "store": { "kind": "filesystem", "path": "regions/spare" } }
          ],
          "links": [
            { "from": "eu-west", "to": "us-east", "cost": 10, "pricePerGiB": 0.02 },
            { "from": "us-east", "to": "ap-south", "cost": 20, "oneWay": true, "pricePerGiB": 0.085 }
          ],
          "rules": [
            {
              "name": "releases", "sources": ["eu-west"], "targets": ["*"], "repositories": ["team/*"],
              "tags": { "include": ["v\\d+(\\.\\d+)*"], "exclude": ["v0(\\..*)?"] },
              "deletes": false, "referrers": true,
              "requireReferrer": { "artifactType": "application/vnd.dev.cosign.artifact.sig.v1+json" }
            },
            { "name": "everything", "sources": ["*"], "targets": ["us-east", "ap-south"] }
          ]
        }
        """;

    /// <summary>The sample with <paramref name="edit"/> applied to its JSON tree.</summary>
    public static string With(Action<JsonObject> edit)
    {
        JsonObject root = JsonNode.Parse(Json)!.AsObject();
        edit(root);
        return root.ToJsonString();
    }

    public static JsonObject Region(this JsonObject root, int index) => root["regions"]![index]!.AsObject();

    public static JsonObject Rule(this JsonObject root, int index) => root["rules"]![index]!.AsObject();

    public static JsonObject Link(this JsonObject root, int index) => root["links"]![index]!.AsObject();

    public static JsonObject Webhook(this JsonObject root, int region, int index) => root.Region(region)["webhooks"]![index]!.AsObject();
}
