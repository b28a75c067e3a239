using System.Text.Json.Nodes;

namespace GeoSync.Domain.Tests.Topology;

/// <summary>One kind of broken topology and the error it must produce.</summary>
public sealed record BadTopology(string Name, string Text, string Path, string Reason);

/// <summary>The corpus of broken topologies: every kind of error the validator reports, each with its path and reason.</summary>
internal static class BadTopologies
{
    public static IReadOnlyList<BadTopology> All { get; } =
    [
        // Versions.
        Case("version missing", t => t.Remove("version"), "$.version", "required field is missing; this GeoSync reads topology version 1"),
        Case("version unknown", t => t["version"] = 2, "$.version", "unsupported topology version 2; this GeoSync reads version 1"),
        Case("version wrong type", t => t["version"] = "1", "$.version", "expected an integer, found a string"),

        // Unknown fields, anywhere.
        Case("unknown root field", t => t["regoins"] = new JsonArray(), "$.regoins", "unknown field 'regoins'; did you mean 'regions'?"),
        Case("unknown engine field", t => t["engine"]!["port"] = 80, "$.engine.port", "unknown field 'port'; expected one of: listen, dataDirectory"),
        Case("unknown persistence field", t => t["engine"]!["persistence"]!["user"] = "x", "$.engine.persistence.user", "unknown field 'user'"),
        Case("unknown defaults field", t => t["defaults"]!["rule"]!["tags"] = "x", "$.defaults.rule.tags", "unknown field 'tags'"),
        Case("unknown store field", t => t.Region(0)["store"]!["root"] = "x", "$.regions[0].store.root", "unknown field 'root'"),
        Case("field of the other store kind", t => t.Region(0)["store"]!["container"] = "registry", "$.regions[0].store.container", "unknown field 'container'"),
        Case("unknown registry field", t => t.Region(0)["registry"]!["token"] = "env:X", "$.regions[0].registry.token", "unknown field 'token'"),
        Case("unknown webhook field", t => t.Webhook(0, 0)["secret"] = "env:X", "$.regions[0].webhooks[0].secret", "unknown field 'secret'; did you mean 'secrets'?"),
        Case("unknown link field", t => t.Link(0)["price"] = 3, "$.links[0].price", "unknown field 'price'"),
        Case("unknown rule field", t => t.Rule(0)["Deletes"] = true, "$.rules[0].Deletes", "unknown field 'Deletes'; did you mean 'deletes'?"),
        Case("unknown tag filter field", t => t.Rule(0)["tags"]!["only"] = new JsonArray(), "$.rules[0].tags.only", "unknown field 'only'"),
        Case("odd field name quoted in path", t => t["my field"] = 1, "$['my field']", "unknown field 'my field'"),
        new("field twice", SampleTopology.Json.Replace("\"priority\": 7,", "\"priority\": 7, \"priority\": 8,", StringComparison.Ordinal),
            "$.regions[2].priority", "field 'priority' appears more than once"),

        // JSON types.
        Case("priority as string", t => t.Region(0)["priority"] = "1", "$.regions[0].priority", "expected an integer, found a string"),
        Case("priority fractional", t => t.Region(0)["priority"] = 1.5, "$.regions[0].priority", "expected an integer, found the number 1.5"),
        Case("boolean as string", t => t.Rule(0)["deletes"] = "yes", "$.rules[0].deletes", "expected true or false, found a string"),
        Case("regions not an array", t => t["regions"] = new JsonObject(), "$.regions", "expected an array, found an object"),
        Case("region not an object", t => t["regions"]!.AsArray().Add("eu"), "$.regions[4]", "expected an object, found a string"),
        Case("name null", t => t.Region(3)["name"] = null, "$.regions[3].name", "expected a string, found null"),
        Case("store path empty", t => t.Region(0)["store"]!["path"] = "", "$.regions[0].store.path", "must not be empty"),
        new("not JSON", "{ \"version\": 1, ", "$", "not valid JSON"),
        new("not an object", "[1]", "$", "expected an object, found an array"),

        // Required fields and empty lists.
        Case("no regions", t => t["regions"] = new JsonArray(), "$.regions", "must not be empty"),
        Case("regions missing", t => t.Remove("regions"), "$.regions", "required field is missing"),
        Case("store missing", t => t.Region(1).Remove("store"), "$.regions[1].store", "required field is missing"),
        Case("store kind missing", t => t.Region(0)["store"]!.AsObject().Remove("kind"), "$.regions[0].store.kind", "required field is missing; expected 'filesystem', 'azure' or 'registry'"),
        Case("store kind unknown", t => t.Region(0)["store"]!["kind"] = "s3", "$.regions[0].store.kind", "unknown store kind 's3'; expected 'filesystem', 'azure' or 'registry'"),
        Case("azure container missing", t => t.Region(1)["store"]!.AsObject().Remove("container"), "$.regions[1].store.container", "required field is missing"),
        Case("webhook secrets empty", t => t.Webhook(0, 0)["secrets"] = new JsonArray(), "$.regions[0].webhooks[0].secrets", "must not be empty"),
        Case("rule targets missing", t => t.Rule(1).Remove("targets"), "$.rules[1].targets", "required field is missing"),
        Case("tag include empty", t => t.Rule(0)["tags"]!["include"] = new JsonArray(), "$.rules[0].tags.include", "must not be empty"),
        Case("gate without artifact type", t => t.Rule(0)["requireReferrer"] = new JsonObject(), "$.rules[0].requireReferrer.artifactType", "required field is missing"),

        // Names and duplicates.
        Case("duplicate region", t => t.Region(3)["name"] = "eu-west", "$.regions[3].name", "duplicate region name 'eu-west' (first at $.regions[0].name)"),
        Case("duplicate rule", t => t.Rule(1)["name"] = "releases", "$.rules[1].name", "duplicate rule name 'releases' (first at $.rules[0].name)"),
        Case("duplicate webhook across regions", t => t.Webhook(1, 0)["name"] = "eu-deploy", "$.regions[1].webhooks[0].name",
            "duplicate webhook name 'eu-deploy' (first at $.regions[0].webhooks[0].name)"),
        Case("duplicate store", t => t.Region(2)["store"]!["path"] = "/data/regions/eu-west", "$.regions[2].store", "duplicate store 'filesystem /data/regions/eu-west'"),
        Case("shared notification token", t => t.Region(1)["registry"] = new JsonObject { ["notificationToken"] = "env:EU_TOKEN" }, "$.regions[1].registry.notificationToken",
            "duplicate notification token reference 'env:EU_TOKEN' (first at $.regions[0].registry.notificationToken)"),
        Case("bad region name", t => t.Region(3)["name"] = "EU_West", "$.regions[3].name", "region name 'EU_West' must be 1-63 lowercase letters"),
        Case("region named star", t => t.Region(3)["name"] = "*", "$.regions[3].name", "region name '*' must be"),
        Case("bad rule name", t => t.Rule(0)["name"] = "-x", "$.rules[0].name", "rule name '-x' must be"),

        // References to regions.
        Case("rule target unknown", t => t.Rule(1)["targets"]![1] = "ap-sout", "$.rules[1].targets[1]", "unknown region 'ap-sout'; known regions: eu-west, us-east, ap-south, spare"),
        Case("rule source unknown", t => t.Rule(0)["sources"]![0] = "mars", "$.rules[0].sources[0]", "unknown region 'mars'"),
        Case("rule star with names", t => t.Rule(1)["sources"] = new JsonArray("*", "eu-west"), "$.rules[1].sources", "'*' already means every region"),
        Case("rule region twice", t => t.Rule(1)["targets"] = new JsonArray("us-east", "us-east"), "$.rules[1].targets[1]", "region 'us-east' is listed twice"),
        Case("rule only target is source", t => { t.Rule(1)["sources"] = new JsonArray("us-east"); t.Rule(1)["targets"] = new JsonArray("us-east"); },
            "$.rules[1].targets", "the rule replicates nothing: its only target 'us-east' is its source"),
        Case("link from unknown", t => t.Link(0)["from"] = "eu-wset", "$.links[0].from", "unknown region 'eu-wset'"),
        Case("link to itself", t => t.Link(0)["to"] = "eu-west", "$.links[0].to", "a link joins two different regions; both ends are 'eu-west'"),
        Case("link duplicate", t => t["links"]!.AsArray().Add(new JsonObject { ["from"] = "us-east", ["to"] = "eu-west", ["cost"] = 3 }),
            "$.links[2]", "duplicate link: us-east → eu-west is already priced by $.links[0]"),
        Case("link price negative", t => t.Link(0)["pricePerGiB"] = -0.5, "$.links[0].pricePerGiB", "must be at least 0, found -0.5"),
        Case("link price as string", t => t.Link(0)["pricePerGiB"] = "0.02", "$.links[0].pricePerGiB", "expected a number, found a string"),
        Case("link price without currency", t => { t["defaults"]!.AsObject().Remove("currency"); t.Link(1).Remove("pricePerGiB"); }, "$.links[0].pricePerGiB",
            "a price needs a currency: set $.defaults.currency to an ISO 4217 code such as \"USD\""),
        Case("currency not a code", t => t["defaults"]!["currency"] = "euro", "$.defaults.currency", "'euro' is not an ISO 4217 currency code (three capital letters, such as USD or EUR)"),

        // Secrets.
        Case("inline notification token", t => t.Region(0)["registry"]!["notificationToken"] = "s3cr3t-value", "$.regions[0].registry.notificationToken", "inline secret"),
        Case("inline webhook secret", t => t.Webhook(1, 0)["secrets"]![1] = "whsec_abc", "$.regions[1].webhooks[0].secrets[1]", "inline secret"),
        Case("inline azure connection string", t => t.Region(1)["store"]!["connectionString"] = "DefaultEndpointsProtocol=https;AccountKey=abc",
            "$.regions[1].store.connectionString", "inline secret"),
        Case("inline postgres connection string", t => t["engine"]!["persistence"] = new JsonObject { ["provider"] = "postgres", ["connectionString"] = "Host=db;Password=pw" },
            "$.engine.persistence.connectionString", "inline secret"),
        Case("postgres without connection string", t => t["engine"]!["persistence"] = new JsonObject { ["provider"] = "postgres" },
            "$.engine.persistence.connectionString", "required field is missing"),
        Case("sqlite password literal", t => t["engine"]!["persistence"]!["connectionString"] = "Data Source=x.db;Password=pw",
            "$.engine.persistence.connectionString", "inline secret: a connection string with a password must be a reference"),
        Case("inline status token", t => t["engine"]!["statusToken"] = "letmein", "$.engine.statusToken", "inline secret"),
        Case("bad env name", t => t.Region(0)["registry"]!["notificationToken"] = "env:1TOKEN", "$.regions[0].registry.notificationToken",
            "secret reference 'env:1TOKEN': the environment variable name must match"),
        Case("empty file reference", t => t.Webhook(0, 0)["secrets"]![0] = "file:", "$.regions[0].webhooks[0].secrets[0]", "the file path is empty"),
        Case("secret as number", t => t["engine"]!["statusToken"] = 42, "$.engine.statusToken", "expected a secret reference (env:NAME or file:PATH), found the number 42"),

        // Patterns.
        Case("bad tag regex", t => t.Rule(0)["tags"]!["include"]![0] = "v(\\d+", "$.rules[0].tags.include[0]", "bad tag pattern: tag pattern 'v(\\d+' is not a valid regular expression"),
        Case("tag regex with lookahead", t => t.Rule(0)["tags"]!["exclude"]![0] = "(?!v1).*", "$.rules[0].tags.exclude[0]", "non-backtracking engine does not support"),
        Case("bad webhook tag regex", t => t.Webhook(0, 0)["tags"]![0] = "[", "$.regions[0].webhooks[0].tags[0]", "bad tag pattern"),
        Case("glob uppercase", t => t.Rule(0)["repositories"]![0] = "Team/*", "$.rules[0].repositories[0]", "bad repository glob: glob 'Team/*' contains 'T'"),
        Case("glob partial double star", t => t.Rule(0)["repositories"]![0] = "team/a**", "$.rules[0].repositories[0]", "'**' must be a whole path component"),
        Case("glob empty component", t => t.Webhook(0, 0)["repositories"]![0] = "team//app", "$.regions[0].webhooks[0].repositories[0]", "empty path component"),
        Case("glob longer than a repository name", t => t.Rule(0)["repositories"]![0] = "team/*" + new string('a', 300), "$.rules[0].repositories[0]",
            "bad repository glob: glob is 306 characters long; repository names are at most 255"),
        Case("glob empty list", t => t.Rule(0)["repositories"] = new JsonArray(), "$.rules[0].repositories", "must not be empty"),

        // URLs and addresses.
        Case("webhook url not http", t => t.Webhook(0, 0)["url"] = "ftp://deploy.example.com", "$.regions[0].webhooks[0].url", "'ftp://deploy.example.com' is not an absolute http or https URL"),
        Case("webhook url relative", t => t.Webhook(0, 0)["url"] = "/hooks", "$.regions[0].webhooks[0].url", "is not an absolute http or https URL"),
        Case("webhook url with credentials", t => t.Webhook(0, 0)["url"] = "https://user:pw@deploy.example.com/", "$.regions[0].webhooks[0].url", "URL must not carry credentials"),
        Case("registry endpoint bad", t => t.Region(0)["registry"]!["endpoints"]!["vpc"] = "10.0.0.5:5000", "$.regions[0].registry.endpoints.vpc", "not an absolute http or https URL"),
        Case("registry domain with scheme", t => t.Region(0)["registry"]!["domains"]!["public"] = "https://eu.example.com", "$.regions[0].registry.domains.public", "is not a host name"),
        Case("registry domain bad port", t => t.Region(0)["registry"]!["domains"]!["vpc"] = "eu.internal:99999", "$.regions[0].registry.domains.vpc", "port must be a number from 1 to 65535"),
        Case("listen url with path", t => t["engine"]!["listen"] = "http://127.0.0.1:5080/api", "$.engine.listen", "is not a listen URL"),
        Case("bad container name", t => t.Region(1)["store"]!["container"] = "My_Registry", "$.regions[1].store.container", "container name 'My_Registry' must be 3-63"),
        Case("bad artifact type", t => t.Rule(0)["requireReferrer"]!["artifactType"] = "cosign", "$.rules[0].requireReferrer.artifactType", "'cosign' is not a media type"),
        Case("unknown provider", t => t["engine"]!["persistence"]!["provider"] = "mysql", "$.engine.persistence.provider", "unknown provider 'mysql'; expected 'sqlite' or 'postgres'"),

        // Durations.
        Case("duration a bare number", t => t.Rule(0)["reconcileInterval"] = "5", "$.rules[0].reconcileInterval", "'5' is not a duration"),
        Case("duration zero", t => t["defaults"]!["webhook"]!["maxAge"] = "00:00:00", "$.defaults.webhook.maxAge", "duration must be positive"),
        Case("duration negative", t => t.Webhook(1, 0)["timeout"] = "-00:00:01", "$.regions[1].webhooks[0].timeout", "duration must be positive"),
        Case("timeout longer than max age", t => t.Webhook(1, 0)["timeout"] = "03:00:00", "$.regions[1].webhooks[0].timeout", "timeout 03:00:00 is longer than maxAge 02:00:00"),

        // Negative costs and limits.
        Case("negative link cost", t => t.Link(0)["cost"] = -1, "$.links[0].cost", "must not be negative, found -1"),
        Case("negative default link cost", t => t["defaults"]!["linkCost"] = -5, "$.defaults.linkCost", "must not be negative, found -5"),
        Case("zero concurrency", t => t.Region(2)["limits"]!["concurrency"] = 0, "$.regions[2].limits.concurrency", "must be at least 1, found 0"),
        Case("negative bandwidth", t => t["defaults"]!["region"]!["limits"]!["bandwidthBytesPerSecond"] = -1, "$.defaults.region.limits.bandwidthBytesPerSecond", "must be at least 1, found -1"),
        Case("negative priority", t => t.Region(0)["priority"] = -1, "$.regions[0].priority", "must not be negative, found -1"),
        Case("zero body limit", t => t["engine"]!["maxEventBodyBytes"] = 0, "$.engine.maxEventBodyBytes", "must be at least 1, found 0"),
        Case("zero inbox retention", t => t["engine"]!["inboxRetention"] = "00:00:00", "$.engine.inboxRetention", "duration must be positive, found 00:00:00"),
        Case("inbox retention not a duration", t => t["engine"]!["inboxRetention"] = "7 days", "$.engine.inboxRetention", "'7 days' is not a duration"),
        Case("zero abandon bound", t => t["engine"]!["abandonAfter"] = "0s", "$.engine.abandonAfter", "duration must be positive, found 0s"),

        // The node's place in its cluster.
        Case("unknown cluster field", t => t["engine"]!["cluster"] = new JsonObject { ["port"] = 11111 }, "$.engine.cluster.port", "unknown field 'port'"),
        Case("silo port out of range", t => t["engine"]!["cluster"] = new JsonObject { ["siloPort"] = 70000 }, "$.engine.cluster.siloPort", "must be at most 65535, found 70000"),
        Case("silo port zero", t => t["engine"]!["cluster"] = new JsonObject { ["siloPort"] = 0 }, "$.engine.cluster.siloPort", "must be at least 1, found 0"),
        Case("gateway port is the silo port", t => t["engine"]!["cluster"] = new JsonObject { ["siloPort"] = 11111, ["gatewayPort"] = 11111 }, "$.engine.cluster.gatewayPort", "the gateway port 11111 is the silo port"),
        Case("advertised address not an IP", t => t["engine"]!["cluster"] = new JsonObject { ["advertisedAddress"] = "node-1.local" }, "$.engine.cluster.advertisedAddress", "'node-1.local' is not an IP address"),
        Case("cluster id with a space", t => t["engine"]!["cluster"] = new JsonObject { ["id"] = "geo sync" }, "$.engine.cluster.id", "'geo sync' is not a cluster id"),

        // Registry stores.
        Case("registry store without endpoint", t => t.Region(3)["store"] = RegistryStore(), "$.regions[3].store.endpoint",
            "required field is missing (or set the region's registry.endpoints.vpc or .public)"),
        Case("registry endpoint with a path", t => t.Region(3)["store"] = RegistryStore("https://reg.example.com/v2/"), "$.regions[3].store.endpoint",
            "'https://reg.example.com/v2/' is not a registry base URL"),
        Case("registry endpoint plain http", t => t.Region(3)["store"] = RegistryStore("http://10.0.0.9:5000"), "$.regions[3].store.endpoint",
            "'http://10.0.0.9:5000/' is plain http: set tls.insecure to true to allow it"),
        Case("registry endpoint from the region's plain http vpc endpoint", t => t.Region(0)["store"] = RegistryStore(), "$.regions[0].store.endpoint",
            "'http://10.0.0.5:5000/' is plain http"),
        Case("registry endpoint with credentials", t => t.Region(3)["store"] = RegistryStore("https://bot:hunter2@reg.example.com"), "$.regions[3].store.endpoint",
            "URL must not carry credentials"),
        Case("inline registry password", t => t.Region(3)["store"] = RegistryStore("https://reg.example.com", new JsonObject { ["username"] = "bot", ["password"] = "hunter2" }),
            "$.regions[3].store.credentials.password", "inline secret"),
        Case("registry credentials without username", t => t.Region(3)["store"] = RegistryStore("https://reg.example.com", new JsonObject { ["password"] = "env:REG" }),
            "$.regions[3].store.credentials.username", "required field is missing"),
        Case("registry credentials not an object", t => t.Region(3)["store"] = RegistryStore("https://reg.example.com", JsonValue.Create("env:REG")),
            "$.regions[3].store.credentials", "expected an object, found a string"),
        Case("unknown registry credentials field", t => t.Region(3)["store"] = RegistryStore("https://reg.example.com", new JsonObject { ["username"] = "bot", ["password"] = "env:REG", ["token"] = "env:T" }),
            "$.regions[3].store.credentials.token", "unknown field 'token'"),
        Case("registry ca file with insecure", t => t.Region(3)["store"] = RegistryStore("https://reg.example.com", tls: new JsonObject { ["insecure"] = true, ["caFile"] = "ca.pem" }),
            "$.regions[3].store.tls.caFile", "has no effect when insecure is true"),
        Case("registry insecure not a boolean", t => t.Region(3)["store"] = RegistryStore("https://reg.example.com", tls: new JsonObject { ["insecure"] = "yes" }),
            "$.regions[3].store.tls.insecure", "expected true or false, found a string"),
        Case("two regions on one registry", t =>
            {
                t.Region(2)["store"] = RegistryStore("https://reg.example.com");
                t.Region(3)["store"] = RegistryStore("https://reg.example.com/");
            },
            "$.regions[3].store", "duplicate store"),

        // Registry instances and the webhook's pull network.
        Case("instance without id", t => t.Region(0)["registry"]!["instance"] = new JsonObject { ["name"] = "prod" }, "$.regions[0].registry.instance.id", "required field is missing"),
        Case("instance id with a space", t => t.Region(0)["registry"]!["instance"] = new JsonObject { ["id"] = "cri abc" }, "$.regions[0].registry.instance.id",
            "instance id 'cri abc' must be 1-128 letters, digits, '.', '_' or '-'"),
        Case("instance cloud region uppercase", t => t.Region(0)["registry"]!["instance"] = new JsonObject { ["id"] = "cri-1", ["cloudRegion"] = "CN_Hangzhou" },
            "$.regions[0].registry.instance.cloudRegion", "cloudRegion 'CN_Hangzhou' must be 1-63 lowercase letters, digits and single '-'"),
        Case("unknown instance field", t => t.Region(0)["registry"]!["instance"] = new JsonObject { ["id"] = "cri-1", ["region"] = "cn-hangzhou" },
            "$.regions[0].registry.instance.region", "unknown field 'region'; expected one of: id, name, cloudRegion"),
        Case("pull network unknown", t => t.Webhook(0, 0)["pull"] = "private", "$.regions[0].webhooks[0].pull", "unknown pull network 'private'; expected 'public' or 'vpc'"),
        Case("pull over a domain the region lacks", t => t.Webhook(1, 0)["pull"] = "vpc", "$.regions[1].webhooks[0].pull",
            "pull 'vpc' needs the region's registry.domains.vpc, which is not set"),

        // Rules that contradict themselves.
        Case("gate without referrers", t => t.Rule(0)["referrers"] = false, "$.rules[0].requireReferrer", "the rule does not replicate referrers"),
    ];

    public static BadTopology Get(string name) => All.Single(c => c.Name == name);

    private static BadTopology Case(string name, Action<JsonObject> edit, string path, string reason) => new(name, SampleTopology.With(edit), path, reason);

    private static JsonObject RegistryStore(string? endpoint = null, JsonNode? credentials = null, JsonObject? tls = null)
    {
        var store = new JsonObject { ["kind"] = "registry" };
        if (endpoint is not null)
        {
            store["endpoint"] = endpoint;
        }

        if (credentials is not null)
        {
            store["credentials"] = credentials;
        }

        if (tls is not null)
        {
            store["tls"] = tls;
        }

        return store;
    }
}
