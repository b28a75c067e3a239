using Microsoft.Extensions.Options;

namespace GeoSync.Webhooks;

/// <summary>
/// How deploy webhooks are dispatched (configuration section <c>Webhooks</c>). Per-endpoint settings (URL,
/// secrets, timeout, maximum age) come from the topology.
/// </summary>
public sealed class WebhookOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Webhooks";

    /// <summary>The IHttpClientFactory client used for deliveries.</summary>
    public const string HttpClientName = "GeoSync.Webhooks";

    /// <summary>How often the outbox is checked for due deliveries when nothing wakes the dispatcher earlier.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Deliveries of one endpoint sent at the same time.</summary>
    public int MaxConcurrencyPerEndpoint { get; set; } = 4;

    /// <summary>Delay before the first retry; doubled at each further retry, with jitter.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest delay between two attempts (also caps a receiver's <c>Retry-After</c>).</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Consecutive failed attempts after which an endpoint's breaker opens.</summary>
    public int BreakerFailureThreshold { get; set; } = 5;

    /// <summary>How long an open breaker holds an endpoint's deliveries before one probe attempt.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Added to an endpoint's timeout to form the claim lease: if this node dies mid-attempt, another node (or this
    /// one restarted) sends the delivery again after the lease.
    /// </summary>
    public TimeSpan LeaseMargin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Characters of a failing response's body kept in the attempt's error text.</summary>
    public int ResponseExcerptLength { get; set; } = 200;
}

/// <summary>Validates <see cref="WebhookOptions"/> at start, naming the section, field and reason.</summary>
public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        void Positive(TimeSpan value, string field)
        {
            if (value <= TimeSpan.Zero)
            {
                errors.Add($"{WebhookOptions.SectionName}:{field} must be positive, was {value}");
            }
        }

        Positive(options.PollInterval, nameof(options.PollInterval));
        Positive(options.BaseDelay, nameof(options.BaseDelay));
        Positive(options.MaxDelay, nameof(options.MaxDelay));
        Positive(options.BreakDuration, nameof(options.BreakDuration));
        Positive(options.LeaseMargin, nameof(options.LeaseMargin));
        if (options.MaxDelay < options.BaseDelay)
        {
            errors.Add($"{WebhookOptions.SectionName}:{nameof(options.MaxDelay)} ({options.MaxDelay}) must not be below {nameof(options.BaseDelay)} ({options.BaseDelay})");
        }

        if (options.MaxConcurrencyPerEndpoint < 1)
        {
            errors.Add($"{WebhookOptions.SectionName}:{nameof(options.MaxConcurrencyPerEndpoint)} must be at least 1, was {options.MaxConcurrencyPerEndpoint}");
        }

        if (options.BreakerFailureThreshold < 1)
        {
            errors.Add($"{WebhookOptions.SectionName}:{nameof(options.BreakerFailureThreshold)} must be at least 1, was {options.BreakerFailureThreshold}");
        }

        if (options.ResponseExcerptLength < 0)
        {
            errors.Add($"{WebhookOptions.SectionName}:{nameof(options.ResponseExcerptLength)} must not be negative, was {options.ResponseExcerptLength}");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
