using GeoSync.Webhooks;
using Microsoft.Extensions.Options;

namespace GeoSync.Webhooks.Tests;

public sealed class EndpointCircuitBreakerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Record_ThresholdConsecutiveFailures_OpensUntilBreakIsOver()
    {
        var breaker = new EndpointCircuitBreaker(threshold: 3, TimeSpan.FromSeconds(30));

        Assert.Equal(BreakerTransition.None, breaker.Record(false, T0));
        Assert.Equal(BreakerTransition.None, breaker.Record(true, T0)); // a success resets the count
        Assert.Equal(BreakerTransition.None, breaker.Record(false, T0));
        Assert.Equal(BreakerTransition.None, breaker.Record(false, T0));
        Assert.Equal(4, breaker.Admit(T0, 4));
        Assert.Equal(BreakerTransition.Opened, breaker.Record(false, T0));

        Assert.Equal(0, breaker.Admit(T0.AddSeconds(29), 4));
        Assert.True(breaker.IsHolding(T0.AddSeconds(29)));
        Assert.Equal("Open", breaker.State);
    }

    [Fact]
    public void Admit_AfterBreak_OneProbeThenClosedOnSuccessOrReopenedOnFailure()
    {
        var breaker = new EndpointCircuitBreaker(threshold: 1, TimeSpan.FromSeconds(30));
        breaker.Record(false, T0);
        DateTimeOffset later = T0.AddSeconds(30);

        Assert.Equal(1, breaker.Admit(later, 4));
        Assert.Equal(0, breaker.Admit(later, 4)); // only one probe at a time
        Assert.Equal(BreakerTransition.None, breaker.Record(false, later));
        Assert.Equal(0, breaker.Admit(later.AddSeconds(29), 4));

        DateTimeOffset again = later.AddSeconds(30);
        Assert.Equal(1, breaker.Admit(again, 4));
        Assert.Equal(BreakerTransition.Closed, breaker.Record(true, again));
        Assert.Equal(4, breaker.Admit(again, 4));
        Assert.Equal("Closed", breaker.State);
    }

    [Fact]
    public void CancelProbe_NothingWasDue_NextCallerMayProbe()
    {
        var breaker = new EndpointCircuitBreaker(threshold: 1, TimeSpan.FromSeconds(1));
        breaker.Record(false, T0);
        Assert.Equal(1, breaker.Admit(T0.AddSeconds(1), 4));

        breaker.CancelProbe();

        Assert.Equal(1, breaker.Admit(T0.AddSeconds(1), 4));
    }

    [Fact]
    public void Validate_BadOptions_NamesSectionAndField()
    {
        var options = new WebhookOptions { BaseDelay = TimeSpan.Zero, MaxConcurrencyPerEndpoint = 0 };

        ValidateOptionsResult result = new WebhookOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Webhooks:BaseDelay", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Webhooks:MaxConcurrencyPerEndpoint", result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new WebhookOptionsValidator().Validate(null, new WebhookOptions()).Succeeded);
    }
}
