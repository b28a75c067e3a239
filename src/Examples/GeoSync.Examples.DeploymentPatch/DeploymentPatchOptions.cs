namespace GeoSync.Examples.DeploymentPatch;

/// <summary>The Deployment this receiver rolls out, and the webhook's signing secret.</summary>
public sealed class DeploymentPatchOptions
{
    /// <summary>The webhook's signing secret: <c>whsec_&lt;base64&gt;</c>, or any other text (used as its UTF-8 bytes).</summary>
    public string Secret { get; set; } = "";

    public string Namespace { get; set; } = "default";

    public string Deployment { get; set; } = "";

    /// <summary>The container of the pod template whose image is replaced.</summary>
    public string Container { get; set; } = "";
}
