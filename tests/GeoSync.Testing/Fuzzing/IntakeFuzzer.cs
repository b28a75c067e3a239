using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace GeoSync.Testing.Fuzzing;

/// <summary>
/// Mutated notification envelopes posted to a running engine's <c>POST /v1/events</c>. Every answer must be below
/// 500, and every 4xx a problem details document (<c>application/problem+json</c> holding JSON).
/// </summary>
public static class IntakeFuzzer
{
    private const string EnvelopeV1 = "application/vnd.docker.distribution.events.v1+json";

    private static readonly string[] OddContentTypes =
    [
        "application/vnd.docker.distribution.events.v2+json",
        "application/json; charset=utf-8",
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json; x=../../etc",
        "application/" + new string('a', 5000),
    ];

    /// <summary>Posts <paramref name="cases"/> mutated envelopes (one of <paramref name="envelopes"/> each) with <paramref name="token"/>.</summary>
    public static async Task RunAsync(FuzzRun run, HttpClient http, string token, IReadOnlyList<string> envelopes, int cases, int firstCase = 0, CancellationToken cancellationToken = default)
    {
        for (int i = firstCase; i < firstCase + cases; i++)
        {
            Random random = run.RandomFor(i);
            Mutation mutation = new JsonMutator(random).Mutate(envelopes[random.Next(envelopes.Count)]);
            string contentType = random.Next(10) == 0 ? OddContentTypes[random.Next(OddContentTypes.Length)] : EnvelopeV1;
            string bearer = random.Next(50) == 0 ? "../" + token : token;
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/events")
            {
                Content = new ByteArrayContent(Encoding.UTF8.GetBytes(mutation.Text)),
            };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
            string what = $"{mutation.Description} (Content-Type {JsonMutator.Describe(contentType)})";
            try
            {
                using HttpResponseMessage response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                int status = (int)response.StatusCode;
                string body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (status >= 500)
                {
                    run.Report(i, $"HTTP {status}: {Short(body)} after {what}");
                }
                else if (status >= 400)
                {
                    string? mediaType = response.Content.Headers.ContentType?.MediaType;
                    if (mediaType != "application/problem+json" || !IsJsonObject(body))
                    {
                        run.Report(i, $"HTTP {status} as {mediaType ?? "no content type"}, not problem details: {Short(body)} after {what}");
                    }
                }
            }
            catch (HttpRequestException ex)
            {
                run.Report(i, $"request failed ({ex.Message}) after {what}");
            }
        }
    }

    private static bool IsJsonObject(string body)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Short(string text) => JsonMutator.Describe(text.Length > 300 ? text[..300] : text);
}
