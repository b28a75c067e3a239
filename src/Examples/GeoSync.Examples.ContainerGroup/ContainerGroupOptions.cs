namespace GeoSync.Examples.ContainerGroup;

/// <summary>What the container group looks like apart from its image, and the webhook's signing secret.</summary>
public sealed class ContainerGroupOptions
{
    /// <summary>The webhook's signing secret: <c>whsec_&lt;base64&gt;</c>, or any other text (used as its UTF-8 bytes).</summary>
    public string Secret { get; set; } = "";

    /// <summary>The container group's name, before the image's short digest (<c>app</c> → <c>app-4f53cda18c2b</c>).</summary>
    public string Name { get; set; } = "";

    public string Container { get; set; } = "";

    /// <summary>The cloud region when the payload names no registry instance.</summary>
    public string? RegionId { get; set; }

    public string? SecurityGroupId { get; set; }

    public string? VSwitchId { get; set; }
}
