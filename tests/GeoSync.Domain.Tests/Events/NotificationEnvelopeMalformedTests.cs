using System.Text;
using GeoSync.Domain.Events;
using static GeoSync.Domain.Tests.Events.EnvelopeFixtures;

namespace GeoSync.Domain.Tests.Events;

public sealed class NotificationEnvelopeMalformedTests
{
    /// <summary>A malformed envelope, the field the error must name, and a fragment of the reason.</summary>
    public sealed record Case(string Json, string Field, string Reason);

    private static string Push(string from, string to) => ManifestPushWithReferences.Replace(from, to, StringComparison.Ordinal);

    /// <summary>Four good events then <paramref name="bad"/>, so paths must point at <c>events[4]</c>.</summary>
    private static string Fifth(string bad) =>
        "{\"events\":[" + string.Join(",", Enumerable.Range(0, 4).Select(_ => GoodEvent)) + "," + bad + "]}";

    private const string GoodEvent =
        """{"id":"1","timestamp":"2024-05-01T10:00:00Z","action":"pull","target":{"mediaType":"application/octet-stream","digest":"sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0","repository":"team/app"}}""";

    private static readonly Dictionary<string, Case> Corpus = new()
    {
        ["not JSON"] = new("events: []", "$", "not JSON"),
        ["empty body"] = new("", "$", "not JSON: the document is empty"),
        ["array at root"] = new("[]", "$", "must be an object, found an array"),
        ["no events array"] = new("""{"event":[]}""", "events", "is required: an envelope is an object with an 'events' array"),
        ["events is an object"] = new("""{"events":{}}""", "events", "must be an array, found an object"),
        ["event is a string"] = new("""{"events":["push"]}""", "events[0]", "must be an object, found a string"),
        ["missing id"] = new(Push("\"id\": \"320678d8-ca14-430f-8bb6-4ca139cd83f7\",", ""), "events[0].id", "is required"),
        ["empty id"] = new(Push("\"id\": \"320678d8-ca14-430f-8bb6-4ca139cd83f7\"", "\"id\": \"\""), "events[0].id", "must not be empty"),
        ["id is a number"] = new(Push("\"id\": \"320678d8-ca14-430f-8bb6-4ca139cd83f7\"", "\"id\": 42"), "events[0].id", "must be a string, found a number"),
        ["missing timestamp"] = new(Push("\"timestamp\": \"2024-05-01T10:00:00.402973972-07:00\",", ""), "events[0].timestamp", "is required"),
        ["timestamp without offset"] = new(Push("2024-05-01T10:00:00.402973972-07:00", "2024-05-01T10:00:00.402973972"), "events[0].timestamp", "is not an RFC 3339 timestamp with an offset"),
        ["timestamp with a trailing newline"] = new(Push("2024-05-01T10:00:00.402973972-07:00", "2024-05-01T10:00:00Z\\n"), "events[0].timestamp", "is not an RFC 3339 timestamp"),
        ["timestamp is a date"] = new(Push("2024-05-01T10:00:00.402973972-07:00", "2024-05-01"), "events[0].timestamp", "is not an RFC 3339 timestamp"),
        ["timestamp out of range"] = new(Push("2024-05-01T10:00:00.402973972-07:00", "2024-13-45T25:61:00Z"), "events[0].timestamp", "is not a valid date and time"),
        ["timestamp is a number"] = new(Push("\"2024-05-01T10:00:00.402973972-07:00\"", "1714582800"), "events[0].timestamp", "must be a string, found a number"),
        ["missing action"] = new(Push("\"action\": \"push\",", ""), "events[0].action", "is required"),
        ["missing target"] = new(Fifth("""{"id":"5","timestamp":"2024-05-01T10:00:00Z","action":"push"}"""), "events[4].target", "is required"),
        ["target is an array"] = new(Fifth("""{"id":"5","timestamp":"2024-05-01T10:00:00Z","action":"push","target":[]}"""), "events[4].target", "must be an object, found an array"),
        ["missing repository"] = new(Push("\"repository\": \"team/app\",", ""), "events[0].target.repository", "is required"),
        ["uppercase repository"] = new(Push("\"repository\": \"team/app\"", "\"repository\": \"Team/App\""), "events[0].target.repository", "path component 1 ('Team')"),
        ["repository escaping with .."] = new(Fifth(GoodEvent.Replace("team/app", "team/../../etc", StringComparison.Ordinal)), "events[4].target.repository", "path component 2 ('..')"),
        ["absolute repository"] = new(Fifth(GoodEvent.Replace("team/app", "/team/app", StringComparison.Ordinal)), "events[4].target.repository", "empty"),
        ["bad digest"] = new(Push("\"digest\": \"sha256:fea8895f450959fa676bcc1df0611ea93823a735a01205fd8622846041d0c7cf\"", "\"digest\": \"md5:d41d8cd98f00b204e9800998ecf8427e\""), "events[0].target.digest", "algorithm 'md5' is not supported"),
        ["bad tag"] = new(Push("\"tag\": \"v1.2.3\"", "\"tag\": \".hidden\""), "events[0].target.tag", "must match"),
        ["tag too long"] = new(Push("\"tag\": \"v1.2.3\"", $"\"tag\": \"{new string('t', 129)}\""), "events[0].target.tag", "129 characters long; the limit is 128"),
        ["bad fromRepository"] = new(Mount.Replace("\"fromRepository\":\"team/app\"", "\"fromRepository\":\"team\\\\app\"", StringComparison.Ordinal), "events[0].target.fromRepository", "must match"),
        ["negative size"] = new(Push("\"size\": 708", "\"size\": -708"), "events[0].target.size", "must not be negative"),
        ["length is a string"] = new(Push("\"length\": 708", "\"length\": \"708\""), "events[0].target.length", "must be an integer, found a string"),
        ["reference with a bad digest"] = new(Push("\"digest\": \"sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0\"", "\"digest\": \"sha256:9834\""), "events[0].target.references[1].digest", "64 hex characters, found 4"),
        ["reference without mediaType"] = new(Push("\"mediaType\": \"application/vnd.oci.image.config.v1+json\",", ""), "events[0].target.references[0].mediaType", "is required"),
        ["references is an object"] = new(Fifth(GoodEvent.Replace("\"repository\"", "\"references\":{},\"repository\"", StringComparison.Ordinal)), "events[4].target.references", "must be an array, found an object"),
        ["push without digest"] = new(Fifth(GoodEvent.Replace("\"pull\"", "\"push\"", StringComparison.Ordinal).Replace("\"digest\":\"sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0\",", "", StringComparison.Ordinal)), "events[4].target.digest", "is required for a push event"),
        ["delete naming nothing"] = new(Fifth("""{"id":"5","timestamp":"2024-05-01T10:00:00Z","action":"delete","target":{"repository":"team/app"}}"""), "events[4].target", "a delete event must name a digest or a tag"),
        ["request is a string"] = new(Fifth(GoodEvent[..^1] + ",\"request\":\"PUT\"}"), "events[4].request", "must be an object, found a string"),
        ["source instanceID is a number"] = new(Push("\"instanceID\": \"a53db899-3b4b-4a62-a067-8dd013beaca4\"", "\"instanceID\": 7"), "events[0].source.instanceID", "must be a string, found a number"),
    };

    public static TheoryData<string> CorpusNames => new(Corpus.Keys);

    [Theory]
    [MemberData(nameof(CorpusNames))]
    public void Parse_MalformedEnvelope_NamesFieldAndReason(string name)
    {
        Case malformed = Corpus[name];

        NotificationFormatException error = Assert.Throws<NotificationFormatException>(
            () => NotificationEnvelope.Parse(Encoding.UTF8.GetBytes(malformed.Json)));

        Assert.Equal(malformed.Field, error.Field);
        Assert.Contains(malformed.Reason, error.Reason, StringComparison.Ordinal);
        Assert.Contains($"'{malformed.Field}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FifthEventHelper_IsValidWithAGoodEvent()
    {
        // Guards the corpus above: its events[4] cases fail because of the bad event, not the four good ones.
        Assert.Equal(5, NotificationEnvelope.Parse(Encoding.UTF8.GetBytes(Fifth(GoodEvent))).Count);
    }
}
