using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace GeoSync.Host.Telemetry;

/// <summary>
/// A small Prometheus text-format exposition over <see cref="MeterListener"/> (the Prometheus exporter package is not
/// in the registry these machines reach): counters as <c>_total</c>, histograms with cumulative buckets, gauges and
/// up-down counters as gauges. Listens to every <c>GeoSync.*</c> meter plus the host's own gauges.
/// </summary>
public sealed class PrometheusExposition : IDisposable
{
    private static readonly double[] Boundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Series> _series = new();
    private readonly Lock _collect = new();

    /// <summary>Starts listening; <paramref name="own"/> is the host's meter (the only non-static GeoSync meter it takes).</summary>
    public PrometheusExposition(Meter own)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            bool wanted = instrument.Meter == own || (instrument.Meter.Name.StartsWith("GeoSync.", StringComparison.Ordinal) && instrument.Meter.Name != own.Name);
            if (wanted)
            {
                _series[instrument] = new Series(instrument);
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<float>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>The current values in the Prometheus text format (version 0.0.4).</summary>
    public string Scrape()
    {
        var text = new StringBuilder();
        lock (_collect)
        {
            foreach (Series s in _series.Values.Where(s => s.IsObservable))
            {
                s.Reset();
            }

            _listener.RecordObservableInstruments();
            foreach (Series series in _series.Values.OrderBy(s => s.Instrument.Name, StringComparer.Ordinal))
            {
                series.Write(text);
            }
        }

        return text.ToString();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_series.TryGetValue(instrument, out Series? series))
        {
            series.Record(value, tags);
        }
    }

    private sealed class Series(Instrument instrument)
    {
        private readonly ConcurrentDictionary<string, Point> _points = new(StringComparer.Ordinal);

        public Instrument Instrument { get; } = instrument;

        public bool IsObservable => Instrument.IsObservable;

        private string Kind => Instrument switch
        {
            Counter<long> or Counter<int> or Counter<double> or Counter<float> or ObservableCounter<long> or ObservableCounter<double> or ObservableCounter<int> => "counter",
            Histogram<long> or Histogram<int> or Histogram<double> or Histogram<float> => "histogram",
            _ => "gauge",
        };

        private string Name
        {
            get
            {
                string name = new([.. Instrument.Name.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);
                return Kind == "counter" ? name + "_total" : name;
            }
        }

        public void Reset() => _points.Clear();

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string labels = Labels(tags);
            Point point = _points.GetOrAdd(labels, _ => new Point());
            lock (point)
            {
                if (Kind == "histogram")
                {
                    point.Count++;
                    point.Sum += value;
                    int bucket = Array.FindIndex(Boundaries, b => value <= b);
                    point.Buckets[bucket < 0 ? Boundaries.Length : bucket]++;
                }
                else if (Kind == "counter" && !IsObservable)
                {
                    point.Sum += value;
                }
                else if (Instrument is UpDownCounter<long> or UpDownCounter<int> or UpDownCounter<double>)
                {
                    point.Sum += value;
                }
                else
                {
                    point.Sum = value;
                }
            }
        }

        public void Write(StringBuilder text)
        {
            if (_points.IsEmpty)
            {
                return;
            }

            string name = Name;
            string unit = string.IsNullOrEmpty(Instrument.Unit) ? string.Empty : $" ({Instrument.Unit})";
            text.Append("# HELP ").Append(name).Append(' ').Append(Escape(Instrument.Description ?? Instrument.Name)).Append(unit).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(Kind).Append('\n');
            foreach ((string labels, Point point) in _points.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                lock (point)
                {
                    if (Kind != "histogram")
                    {
                        text.Append(name).Append(Braces(labels)).Append(' ').Append(Format(point.Sum)).Append('\n');
                        continue;
                    }

                    long cumulative = 0;
                    for (int i = 0; i <= Boundaries.Length; i++)
                    {
                        cumulative += point.Buckets[i];
                        string le = i < Boundaries.Length ? Format(Boundaries[i]) : "+Inf";
                        string bucketLabels = labels.Length == 0 ? $"le=\"{le}\"" : $"{labels},le=\"{le}\"";
                        text.Append(name).Append("_bucket{").Append(bucketLabels).Append("} ").Append(cumulative).Append('\n');
                    }

                    text.Append(name).Append("_sum").Append(Braces(labels)).Append(' ').Append(Format(point.Sum)).Append('\n');
                    text.Append(name).Append("_count").Append(Braces(labels)).Append(' ').Append(point.Count).Append('\n');
                }
            }
        }

        private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.IsEmpty)
            {
                return string.Empty;
            }

            var pairs = new List<string>(tags.Length);
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                string key = new([.. tag.Key.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')]);
                pairs.Add($"{key}=\"{Escape(Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? string.Empty)}\"");
            }

            pairs.Sort(StringComparer.Ordinal);
            return string.Join(',', pairs);
        }

        private static string Braces(string labels) => labels.Length == 0 ? string.Empty : "{" + labels + "}";

        private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

        private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }

    private sealed class Point
    {
        public long[] Buckets { get; } = new long[Boundaries.Length + 1];

        public double Sum { get; set; }

        public long Count { get; set; }
    }
}
