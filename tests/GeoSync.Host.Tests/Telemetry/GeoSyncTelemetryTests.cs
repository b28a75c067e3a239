using GeoSync.Host.Telemetry;
using GeoSync.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace GeoSync.Host.Tests.Telemetry;

public sealed class GeoSyncTelemetryTests
{
    [Fact]
    public async Task AddGeoSyncTelemetry_WithoutOtlpEndpoint_MetricsOnlyNothingTraced()
    {
        await using WebApplication app = Build(otlpEndpoint: null);

        Assert.NotNull(app.Services.GetService<MeterProvider>());
        Assert.Null(app.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task AddGeoSyncTelemetry_WithOtlpEndpoint_TracesAndExports()
    {
        // Nothing listens there: the exporters only have to be built.
        await using WebApplication app = Build(otlpEndpoint: $"http://127.0.0.1:{FreePort.Next()}");

        Assert.NotNull(app.Services.GetService<MeterProvider>());
        Assert.NotNull(app.Services.GetService<TracerProvider>());
    }

    private static WebApplication Build(string? otlpEndpoint)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlpEndpoint;
        builder.AddGeoSyncTelemetry();
        return builder.Build();
    }
}
