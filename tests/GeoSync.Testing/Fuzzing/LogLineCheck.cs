using System.Globalization;
using GeoSync.Testing.Webhooks;

namespace GeoSync.Testing.Fuzzing;

/// <summary>
/// Finds log entries that carry a control character, a Unicode format or separator character, or a lone surrogate in
/// their formatted message or in any structured value: what a value from outside could use to forge a line or reach
/// a terminal. Written independently of the engine's escaping rule, so it checks that rule rather than restating it.
/// </summary>
public static class LogLineCheck
{
    /// <summary>One line per offending entry, with the offending text shown escaped.</summary>
    public static IEnumerable<string> Offenders(IEnumerable<CapturedLog> entries)
    {
        foreach (CapturedLog entry in entries)
        {
            if (Unsafe(entry.Message))
            {
                yield return $"{entry.Level} {entry.Category}[{entry.EventId}] message {JsonMutator.Describe(entry.Message)}";
                continue;
            }

            foreach ((string key, string? value) in entry.Values)
            {
                if (value is not null && Unsafe(value))
                {
                    yield return $"{entry.Level} {entry.Category}[{entry.EventId}] value {key} = {JsonMutator.Describe(value)} in {JsonMutator.Describe(entry.Message)}";
                    break;
                }
            }
        }
    }

    /// <summary>True when <paramref name="text"/> holds a character a log line must not carry raw.</summary>
    public static bool Unsafe(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsControl(c) || char.IsSurrogate(c) || char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return true;
            }
        }

        return false;
    }
}
