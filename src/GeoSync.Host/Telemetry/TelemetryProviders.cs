using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace GeoSync.Host.Telemetry;

/// <summary>
/// The OpenTelemetry SDK providers of a host: every <c>GeoSync.*</c> ActivitySource and Meter and Orleans' own, exported over OTLP
/// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads the standard OTEL_* variables). Built with
/// <see cref="Sdk"/> directly (the hosting extensions package is not available); dispose to flush and stop.
/// </summary>
public sealed class TelemetryProviders : IDisposable
{
    /// <summary>
    /// Every GeoSync source, ASP.NET Core's request spans, and Orleans' grain-call sources, so one trace runs from the
    /// request through the intake and grain calls to the copy (an unrecorded request span would leave its children unrecorded).
    /// </summary>
    public static readonly string[] Sources = ["Microsoft.AspNetCore", "GeoSync.*", "Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    /// <summary>Every GeoSync meter, and Orleans' own.</summary>
    public static readonly string[] Meters = ["GeoSync.*", "Microsoft.Orleans"];

    private readonly TracerProvider? _tracer;
    private readonly MeterProvider? _meter;

    private TelemetryProviders(TracerProvider? tracer, MeterProvider? meter)
    {
        _tracer = tracer;
        _meter = meter;
    }

    /// <summary>True when OTLP export is on.</summary>
    public bool Exporting => _tracer is not null;

    /// <summary>Starts OTLP export when the endpoint variable is set in <paramref name="environment"/>; otherwise does nothing.</summary>
    public static TelemetryProviders Start(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (string.IsNullOrWhiteSpace(environment("OTEL_EXPORTER_OTLP_ENDPOINT")))
        {
            return new TelemetryProviders(null, null);
        }

        ResourceBuilder resource = ResourceBuilder.CreateDefault().AddService(environment("OTEL_SERVICE_NAME") ?? "geosync");
        TracerProvider tracer = Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(Sources).AddOtlpExporter().Build();
        MeterProvider meter = Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(Meters).AddOtlpExporter().Build();
        return new TelemetryProviders(tracer, meter);
    }

    public void Dispose()
    {
        _tracer?.Dispose();
        _meter?.Dispose();
    }
}
