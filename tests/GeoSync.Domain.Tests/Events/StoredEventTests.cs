using System.Text.Json;
using GeoSync.Domain.Events;

namespace GeoSync.Domain.Tests.Events;

public sealed class StoredEventTests
{
    // Spacing, key order, an escaped character and a field GeoSync does not know: the registry's bytes, as sent.
    private const string Event = """{ "id" : "e1", "timestamp":"2026-03-01T12:00:00.123456789Z","action":"push", "x-vendor":{"n":[1, 2]},"target":{"repository":"team/app","tag":"v1","digest":"sha256:0000000000000000000000000000000000000000000000000000000000000001","mediaType":"application/vnd.oci.image.manifest.v1+json","size":7},"actor":{"name":"caf\u00e9"}}""";

    [Fact]
    public void Serialize_KeepsTheEventsBytesAsReceived_AndReadsBack()
    {
        using JsonDocument envelope = JsonDocument.Parse($$"""{"events":[{{Event}}]}""");

        string stored = StoredEvent.Serialize(envelope.RootElement.GetProperty("events")[0], "00-0123456789abcdef0123456789abcdef-0123456789abcdef-01");

        Assert.Equal($$"""{"traceparent":"00-0123456789abcdef0123456789abcdef-0123456789abcdef-01","events":[{{Event}}]}""", stored);
        (IReadOnlyList<RegistryEvent> events, string? traceParent) = StoredEvent.Read(stored);
        RegistryEvent read = Assert.Single(events);
        Assert.Equal(("e1", "team/app", "café"), (read.Id, read.Target.Repository.Value, read.Actor.Name));
        Assert.Equal("00-0123456789abcdef0123456789abcdef-0123456789abcdef-01", traceParent);
    }

    [Fact]
    public void Serialize_OneAfterAnother_EachHoldsOnlyItsOwnEvent()
    {
        using JsonDocument envelope = JsonDocument.Parse($$"""{"events":[{{Event}},{"id":"e2","action":"pull"}]}""");

        string first = StoredEvent.Serialize(envelope.RootElement.GetProperty("events")[0], null);
        string second = StoredEvent.Serialize(envelope.RootElement.GetProperty("events")[1], null);

        Assert.Equal($$"""{"events":[{{Event}}]}""", first);
        Assert.Equal("""{"events":[{"id":"e2","action":"pull"}]}""", second);
    }

    [Fact]
    public void Serialize_AfterAnEventLargerThanTheKeptBuffer_StillExact()
    {
        string large = $$"""{"id":"big","action":"push","pad":"{{new string('x', 200 * 1024)}}"}""";
        using JsonDocument envelope = JsonDocument.Parse($$"""{"events":[{{large}},{{Event}}]}""");

        string first = StoredEvent.Serialize(envelope.RootElement.GetProperty("events")[0], null);
        string second = StoredEvent.Serialize(envelope.RootElement.GetProperty("events")[1], null);

        Assert.Equal($$"""{"events":[{{large}}]}""", first);
        Assert.Equal($$"""{"events":[{{Event}}]}""", second);
    }
}
