namespace GeoSync.Persistence;

/// <summary>
/// The query of <see cref="IRepositoryStatusStore.ListPageAsync"/> for both engines: a range on the key for the cursor
/// and the prefix, the states as a bit test, and the unfinished flag (or, for Abandoned, the bit test) spelled as a
/// partial index's predicate so that the planner walks that index instead of the table.
/// </summary>
internal static class RepositoryStatusPageSql
{
    /// <param name="page">What to read.</param>
    /// <param name="parameter">The engine's parameter marker (<c>$</c> or <c>@</c>).</param>
    /// <param name="unfinished">The engine's spelling of the partial index's predicate.</param>
    public static string For(RepositoryStatusPage page, char parameter, string unfinished)
    {
        var conditions = new List<string>();
        if (page.After is not null)
        {
            conditions.Add($"repository > {parameter}after");
        }

        if (page.PrefixEnd is not null)
        {
            conditions.Add($"repository >= {parameter}prefix AND repository < {parameter}prefix_end");
        }

        if (page.OnlyUnfinished)
        {
            conditions.Add(unfinished);
        }

        if (page.AnyOf == RepositoryStates.Abandoned)
        {
            // Spelled as the abandoned index's predicate, a constant, so that both planners walk that index.
            conditions.Add($"(states & {(int)RepositoryStates.Abandoned}) <> 0");
        }
        else if (page.AnyOf != RepositoryStates.None)
        {
            conditions.Add($"(states & {parameter}states) <> 0");
        }

        string where = conditions.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", conditions);
        return $"SELECT repository FROM repository_status{where} ORDER BY repository LIMIT {parameter}limit";
    }

    /// <summary>The parameters <see cref="For"/>'s query names, for the engine to bind.</summary>
    public static IEnumerable<(string Name, object Value)> Parameters(RepositoryStatusPage page)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(page.Limit);
        if (page.After is not null)
        {
            yield return ("after", page.After);
        }

        if (page.PrefixEnd is { } end)
        {
            yield return ("prefix", page.Prefix);
            yield return ("prefix_end", end);
        }

        if (page.AnyOf is not RepositoryStates.None and not RepositoryStates.Abandoned)
        {
            yield return ("states", (int)page.AnyOf);
        }

        yield return ("limit", page.Limit);
    }
}
