using System.Text;
using GeoSync.Domain.Content;
using GeoSync.Domain.Content.Graph;
using GeoSync.Domain.Content.Manifests;
using GeoSync.Domain.Topology;

namespace GeoSync.Testing.Fuzzing;

/// <summary>
/// Mutated manifests, indexes and topology files through the domain's parsers. A parser may refuse a document only
/// with its documented exception (<see cref="ManifestFormatException"/> or <see cref="ImageGraphException"/> for
/// content, <see cref="TopologyValidationException"/> for topology files); anything else is a finding.
/// </summary>
public static class ParserFuzzer
{
    /// <summary>Runs <paramref name="cases"/> mutated manifests (one of <paramref name="manifests"/> each) through
    /// <see cref="ManifestParser"/> and, as the root of an image graph whose children are missing, <see cref="ImageGraphBuilder"/>.</summary>
    public static async Task ManifestsAsync(FuzzRun run, IReadOnlyList<(string Json, string MediaType)> manifests, int cases, int firstCase = 0)
    {
        for (int i = firstCase; i < firstCase + cases; i++)
        {
            Random random = run.RandomFor(i);
            (string json, string mediaType) = manifests[random.Next(manifests.Count)];
            Mutation mutation = new JsonMutator(random).Mutate(json);
            byte[] bytes = Encoding.UTF8.GetBytes(mutation.Text);
            string? hint = random.Next(3) switch { 0 => null, 1 => mediaType, _ => JsonMutator.HostileStrings[random.Next(JsonMutator.HostileStrings.Count)] };
            try
            {
                _ = ManifestParser.Parse(bytes, hint);
            }
            catch (ManifestFormatException)
            {
            }
            catch (Exception ex)
            {
                run.Report(i, $"ManifestParser.Parse threw {ex.GetType().Name}: {ex.Message} ({mutation.Description}; hint {JsonMutator.Describe(hint ?? "(none)")})");
            }

            try
            {
                var root = new Descriptor(mediaType, Digest.Compute(bytes), bytes.Length);
                var builder = new ImageGraphBuilder((_, _) => ValueTask.FromException<ReadOnlyMemory<byte>>(new FileNotFoundException("not stored")));
                _ = await builder.BuildAsync(root, bytes).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ImageGraphException or ManifestFormatException or FileNotFoundException)
            {
            }
            catch (Exception ex)
            {
                run.Report(i, $"ImageGraphBuilder.BuildAsync threw {ex.GetType().Name}: {ex.Message} ({mutation.Description})");
            }
        }
    }

    /// <summary>Runs <paramref name="cases"/> mutated topology files (one of <paramref name="topologies"/> each) through <see cref="RegionTopology.Parse"/>.</summary>
    public static void Topologies(FuzzRun run, IReadOnlyList<string> topologies, int cases, int firstCase = 0)
    {
        for (int i = firstCase; i < firstCase + cases; i++)
        {
            Random random = run.RandomFor(i);
            // 300 copies, not 3000: a topology's cross-checks grow with regions × rules, and no topology has thousands of regions.
            Mutation mutation = new JsonMutator(random, arrayCopies: 300).Mutate(topologies[random.Next(topologies.Count)]);
            try
            {
                _ = RegionTopology.Parse("fuzz.json", mutation.Text);
            }
            catch (TopologyValidationException)
            {
            }
            catch (Exception ex)
            {
                run.Report(i, $"RegionTopology.Parse threw {ex.GetType().Name}: {ex.Message} ({mutation.Description})");
            }
        }
    }
}
