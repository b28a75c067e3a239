using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using GeoSync.Domain.Replication;
using GeoSync.Domain.Topology;
using GeoSync.Host.Hosting;
using GeoSync.Persistence;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace GeoSync.Host.Status;

/// <summary>
/// The query of <c>GET /v1/repositories</c>: <c>limit</c>, the opaque cursor <c>after</c> (a previous answer's
/// <c>next</c>), <c>match</c> (a repository glob) and <c>state</c> (a replication state, or <c>attention</c> for any
/// not Synced nor Deleted).
/// </summary>
public sealed record RepositoryListRequest(RepositoryFilter Filter, string? After, int Limit)
{
    public const int DefaultLimit = 500;
    public const int MaxLimit = 5000;

    /// <summary>The <c>state</c> value selecting every repository with work left.</summary>
    public const string Attention = "attention";

    /// <summary>Reads the query, or a problem naming the bad parameter.</summary>
    public static bool TryParse(IQueryCollection query, [NotNullWhen(true)] out RepositoryListRequest? request, [NotNullWhen(false)] out IResult? problem)
    {
        request = null;
        int limit = DefaultLimit;
        if (query.TryGetValue("limit", out var limitText) && (!int.TryParse(limitText, out limit) || limit is < 1 or > MaxLimit))
        {
            problem = Problems.BadRequest($"limit must be a whole number from 1 to {MaxLimit}", "limit");
            return false;
        }

        string? after = null;
        if (query.TryGetValue("after", out var cursor) && !TryDecodeCursor(cursor.ToString(), out after))
        {
            problem = Problems.BadRequest("after must be the 'next' of an earlier answer", "after");
            return false;
        }

        RepositoryGlob match = RepositoryGlob.All;
        if (query.TryGetValue("match", out var pattern) && !RepositoryGlob.TryParse(pattern.ToString(), out match!, out string? globError))
        {
            problem = Problems.BadRequest(globError, "match");
            return false;
        }

        RepositoryStates states = RepositoryStates.None;
        if (query.TryGetValue("state", out var stateText) && !TryParseState(stateText.ToString(), out states))
        {
            problem = Problems.BadRequest($"state must be one of {string.Join(", ", Enum.GetNames<ReplicationState>())} or {Attention}", "state");
            return false;
        }

        request = new RepositoryListRequest(new RepositoryFilter(match, states), after, limit);
        problem = null;
        return true;
    }

    /// <summary>
    /// The query parameters <see cref="TryParse"/> reads, for the OpenAPI document (they are read from the query
    /// itself, so the generator cannot see them).
    /// </summary>
    public static Task DescribeQueryAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        static OpenApiParameter Query(string name, string description, OpenApiSchema schema) =>
            new() { Name = name, In = ParameterLocation.Query, Description = description, Schema = schema };

        operation.Parameters =
        [
            Query("limit", $"Names per page, 1 to {MaxLimit}", new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "1", Maximum = $"{MaxLimit}", Default = DefaultLimit }),
            Query("after", "The 'next' of an earlier page", new OpenApiSchema { Type = JsonSchemaType.String }),
            Query("match", "A repository glob, e.g. team/**", new OpenApiSchema { Type = JsonSchemaType.String }),
            Query("state", $"Repositories with a region in this state; {Attention}: any not Synced nor Deleted", new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Enum = [.. Enum.GetNames<ReplicationState>().Append(Attention).Select(name => (System.Text.Json.Nodes.JsonNode)name)],
            }),
        ];
        return Task.CompletedTask;
    }

    /// <summary>The cursor that resumes after <paramref name="repository"/>: its name, base64url.</summary>
    public static string EncodeCursor(string repository) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(repository));

    /// <summary>The query string of the page after <paramref name="next"/>, with this request's filters.</summary>
    public string NextQuery(string next)
    {
        var parts = new List<string> { $"limit={Limit}" };
        if (Filter.Match != RepositoryGlob.All)
        {
            parts.Add($"match={Uri.EscapeDataString(Filter.Match.Pattern)}");
        }

        if (StateText is { } state)
        {
            parts.Add($"state={state}");
        }

        parts.Add($"after={next}");
        return "?" + string.Join('&', parts);
    }

    private string? StateText => Filter.AnyOf switch
    {
        RepositoryStates.None => null,
        RepositoryStates.Unsettled => Attention,
        var one => ((ReplicationState)int.Log2((int)one)).ToString(),
    };

    private static bool TryParseState(string text, out RepositoryStates states)
    {
        if (string.Equals(text, Attention, StringComparison.OrdinalIgnoreCase))
        {
            states = RepositoryStates.Unsettled;
            return true;
        }

        // By name only: Enum.TryParse would also take numbers and comma-separated lists.
        string? name = Enum.GetNames<ReplicationState>().FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        states = name is null ? RepositoryStates.None : (RepositoryStates)(1 << (int)Enum.Parse<ReplicationState>(name));
        return name is not null;
    }

    private static bool TryDecodeCursor(string text, [NotNullWhen(true)] out string? after)
    {
        after = null;
        try
        {
            after = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Base64Url.DecodeFromChars(text));
            return after.Length > 0;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return false;
        }
    }
}
