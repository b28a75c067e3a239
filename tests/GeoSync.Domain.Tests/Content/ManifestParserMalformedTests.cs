using System.Text;
using GeoSync.Domain.Content;
using GeoSync.Domain.Content.Manifests;
using static GeoSync.Domain.Tests.Content.ManifestFixtures;

namespace GeoSync.Domain.Tests.Content;

public sealed class ManifestParserMalformedTests
{
    /// <summary>A malformed document, the field the error must name, and a fragment of the reason it must give.</summary>
    public sealed record Case(string Json, string? Hint, string Field, string Reason);

    private const string Layer0 = "\"size\": 32654,\n      \"digest\": \"sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0\"";

    private static readonly Dictionary<string, Case> Corpus = new()
    {
        ["not JSON"] = new("this is not json", null, "$", "not JSON"),
        ["empty body"] = new("", null, "$", "not JSON: the document is empty"),
        ["whitespace only"] = new("   ", null, "$", "not JSON"),
        ["truncated"] = new(OciManifest[..200], null, "$", "not JSON"),
        ["two values"] = new(OciManifest + " {}", null, "$", "not JSON"),
        ["comment"] = new("/* hi */" + OciManifest, null, "$", "not JSON"),
        ["trailing comma"] = new("""{"schemaVersion":2,"manifests":[],}""", null, "$", "not JSON"),
        ["array at root"] = new("[" + OciManifest + "]", null, "$", "must be an object, found an array"),
        ["string at root"] = new("\"manifest\"", null, "$", "must be an object, found a string"),
        ["schema 1 by schemaVersion"] = new(
            """{"schemaVersion":1,"name":"library/hello","tag":"latest","architecture":"amd64","fsLayers":[{"blobSum":"sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"}],"history":[],"signatures":[]}""",
            null, "schemaVersion", "Docker schema 1 manifests are not supported"),
        ["schema 1 by mediaType"] = new(
            """{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v1+prettyjws"}""",
            null, "mediaType", "Docker schema 1 manifests are not supported"),
        ["schema 1 by hint"] = new("""{"name":"library/hello","fsLayers":[]}""", MediaTypes.DockerSchema1SignedManifest,
            "mediaType", "Docker schema 1 manifests are not supported"),
        ["schemaVersion 3"] = new(OciManifest.Replace("\"schemaVersion\": 2", "\"schemaVersion\": 3", StringComparison.Ordinal),
            null, "schemaVersion", "must be 2, found 3"),
        ["schemaVersion missing"] = new(OciManifest.Replace("\"schemaVersion\": 2,", "", StringComparison.Ordinal),
            null, "schemaVersion", "is required and must be 2"),
        ["schemaVersion as string"] = new(OciIndex.Replace("\"schemaVersion\": 2", "\"schemaVersion\": \"2\"", StringComparison.Ordinal),
            null, "schemaVersion", "must be an integer, found a string"),
        ["opaque with schemaVersion 0"] = new(UnknownMediaType.Replace("\"schemaVersion\": 2", "\"schemaVersion\": 0", StringComparison.Ordinal),
            null, "schemaVersion", "must be 2, found 0"),
        ["mediaType contradicts hint"] = new(OciManifest, MediaTypes.DockerManifest, "mediaType",
            $"'{MediaTypes.OciManifest}' contradicts the media type '{MediaTypes.DockerManifest}'"),
        ["mediaType is a number"] = new("""{"schemaVersion":2,"mediaType":7,"manifests":[]}""", null, "mediaType",
            "must be a string, found a number"),
        ["mediaType empty"] = new("""{"schemaVersion":2,"mediaType":"","manifests":[]}""", null, "mediaType", "must not be empty"),
        ["nothing to infer the type from"] = new("""{"schemaVersion":2,"config":{"mediaType":"a/b","digest":"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7","size":1}}""",
            null, "mediaType", "is required: no media type was given"),
        ["layer digest of another algorithm"] = new(OciManifest.Replace(
                "sha256:ec4b8955958665577945c89419d1af06b5f7636b4ac3da7f12184802ad867736",
                "sha512:ec4b8955958665577945c89419d1af06b5f7636b4ac3da7f12184802ad867736ec4b8955958665577945c89419d1af06b5f7636b4ac3da7f12184802ad867736",
                StringComparison.Ordinal),
            null, "layers[2].digest", "algorithm 'sha512' is not supported; only sha256 is"),
        ["config digest in uppercase"] = new(OciManifest.Replace(ConfigDigest, ConfigDigest.ToUpperInvariant().Replace("SHA256", "sha256", StringComparison.Ordinal), StringComparison.Ordinal),
            null, "config.digest", "only lowercase hex is allowed"),
        ["layer digest one character short"] = new(OciManifest.Replace(Layer2, Layer2[..^1], StringComparison.Ordinal),
            null, "layers[1].digest", "must have 64 hex characters, found 63"),
        ["layer digest without algorithm"] = new(OciManifest.Replace(Layer2, Layer2["sha256:".Length..], StringComparison.Ordinal),
            null, "layers[1].digest", "is not of the form 'algorithm:hex'"),
        ["negative layer size"] = new(OciManifest.Replace("\"size\": 32654", "\"size\": -1", StringComparison.Ordinal),
            null, "layers[0].size", "must not be negative, found -1"),
        ["fractional size"] = new(OciManifest.Replace("\"size\": 16724", "\"size\": 1.5", StringComparison.Ordinal),
            null, "layers[1].size", "must be an integer, found 1.5"),
        ["size beyond 64 bits"] = new(OciManifest.Replace("\"size\": 16724", "\"size\": 1e30", StringComparison.Ordinal),
            null, "layers[1].size", "must be an integer, found 1e30"),
        ["size as string"] = new(OciManifest.Replace("\"size\": 7023", "\"size\": \"7023\"", StringComparison.Ordinal),
            null, "config.size", "must be an integer, found a string"),
        ["size missing"] = new(OciManifest.Replace("\"size\": 16724", "\"size\": null", StringComparison.Ordinal),
            null, "layers[1].size", "is required"),
        ["descriptor without mediaType"] = new(DockerManifest.Replace("\"mediaType\": \"application/vnd.docker.image.rootfs.diff.tar.gzip\",\n            \"size\": 73109", "\"size\": 73109", StringComparison.Ordinal),
            null, "layers[2].mediaType", "is required"),
        ["descriptor without digest"] = new("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":7023},"layers":[]}""",
            null, "config.digest", "is required"),
        ["descriptor is a string"] = new("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7","size":7023},"layers":["sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0"]}""",
            null, "layers[0]", "must be an object, found a string"),
        ["layers is an object"] = new("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7","size":7023},"layers":{}}""",
            null, "layers", "must be an array, found an object"),
        ["manifest without config"] = new("""{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]}""",
            null, "config", "is required in a application/vnd.oci.image.manifest.v1+json document"),
        ["Docker manifest without layers"] = new("""{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:b5b2b2c507a0944348e0303114d8d93aaaa081732b86451d9bce1f432a537bc7","size":7023}}""",
            null, "layers", "is required"),
        ["index without manifests"] = new("""{"schemaVersion":2,"annotations":{}}""", MediaTypes.OciIndex, "manifests", "is required"),
        ["manifest list entry without platform"] = new(DockerManifestList.Replace(
                "\"size\": 7682,\n      \"platform\": {\n        \"architecture\": \"amd64\",\n        \"os\": \"linux\",\n        \"features\": [\n          \"sse4\"\n        ]\n      }",
                "\"size\": 7682", StringComparison.Ordinal),
            null, "manifests[1].platform", "is required in a Docker manifest list"),
        ["platform without os"] = new(OciIndex.Replace("\"architecture\": \"ppc64le\",\n        \"os\": \"linux\"", "\"architecture\": \"ppc64le\"", StringComparison.Ordinal),
            null, "manifests[0].platform.os", "is required"),
        ["platform variant is a number"] = new(OciIndex.Replace("\"variant\": \"v8\"", "\"variant\": 8", StringComparison.Ordinal),
            null, "manifests[2].platform.variant", "must be a string, found a number"),
        ["platform os.version is an object"] = new(DockerManifestList.Replace("\"os.version\": \"10.0.17763.5576\"", "\"os.version\": {}", StringComparison.Ordinal),
            null, "manifests[2].platform[\"os.version\"]", "must be a string, found an object"),
        ["annotation value is a number"] = new(OciManifest.Replace("\"com.example.key2\": \"value2\"", "\"com.example.key2\": 2", StringComparison.Ordinal),
            null, "annotations[\"com.example.key2\"]", "must be a string, found a number"),
        ["layer annotations is an array"] = new(CosignSignature.Replace("\"annotations\": {\n        \"dev.cosignproject.cosign/signature\"", "\"annotations\": [], \"x\": {\n        \"dev.cosignproject.cosign/signature\"", StringComparison.Ordinal),
            null, "layers[0].annotations", "must be an object, found an array"),
        ["subject digest malformed"] = new(CosignSignature.Replace(SubjectDigest, "sha256:nothex", StringComparison.Ordinal),
            null, "subject.digest", "must have 64 hex characters"),
        ["subject is an array"] = new("""{"schemaVersion":2,"manifests":[],"subject":[]}""", null, "subject", "must be an object, found an array"),
        ["artifactType is a boolean"] = new(SpdxSbom.Replace("\"artifactType\": \"application/spdx+json\"", "\"artifactType\": true", StringComparison.Ordinal),
            null, "artifactType", "must be a string, found a boolean"),
        ["opaque document with a bad blob"] = new(UnknownMediaType.Replace("\"size\": 3764", "\"size\": -3764", StringComparison.Ordinal),
            null, "blobs[0].size", "must not be negative"),
        ["urls is a string"] = new(DockerManifest.Replace("\"size\": 32654,", "\"size\": 32654, \"urls\": \"https://example.com/layer\",", StringComparison.Ordinal),
            null, "layers[0].urls", "must be an array, found a string"),
    };

    public static TheoryData<string> CorpusNames => new(Corpus.Keys);

    [Theory]
    [MemberData(nameof(CorpusNames))]
    public void Parse_MalformedDocument_NamesFieldAndReason(string name)
    {
        Case malformed = Corpus[name];

        ManifestFormatException error = Assert.Throws<ManifestFormatException>(
            () => ManifestParser.Parse(Encoding.UTF8.GetBytes(malformed.Json), malformed.Hint));

        Assert.Equal(malformed.Field, error.Field);
        Assert.Contains(malformed.Reason, error.Reason, StringComparison.Ordinal);
        Assert.Contains($"'{malformed.Field}'", error.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<FormatException>(error);
    }

    [Fact]
    public void Parse_InvalidUtf8_ReportsNotJson()
    {
        byte[] content = [.. Encoding.UTF8.GetBytes("{\"mediaType\":\""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}")];

        ManifestFormatException error = Assert.Throws<ManifestFormatException>(() => ManifestParser.Parse(content, null));

        Assert.Equal("$", error.Field);
        Assert.StartsWith("not JSON: the document is not valid UTF-8", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NestingDeeperThanJsonLimit_ReportsNotJson()
    {
        string deep = "{\"schemaVersion\":2,\"manifests\":[],\"x\":" + new string('[', 100) + new string(']', 100) + "}";

        ManifestFormatException error = Assert.Throws<ManifestFormatException>(() => ManifestParser.Parse(Encoding.UTF8.GetBytes(deep), null));

        Assert.Equal("$", error.Field);
    }
}
