using System.Globalization;
using System.Text;

namespace GeoSync.Testing.Registry;

/// <summary>
/// Writes the CNCF distribution registry's <c>config.yml</c>: filesystem storage at a root, loopback address, optional
/// notifications, htpasswd or token auth, and access log.
/// </summary>
public static class RegistryConfig
{
    /// <summary>The YAML for a registry serving <paramref name="storageRoot"/> on <c>127.0.0.1:<paramref name="port"/></c>.</summary>
    public static string Render(string storageRoot, int port, RegistryNotificationEndpoint? notifications, RegistryServerOptions? options = null, string? htpasswdFile = null)
    {
        options ??= new RegistryServerOptions();
        var yaml = new StringBuilder();
        yaml.AppendLine("version: 0.1");
        yaml.AppendLine("log:");
        yaml.AppendLine("  level: warn");
        yaml.AppendLine("  accesslog:");
        yaml.AppendLine($"    disabled: {(options.AccessLog ? "false" : "true")}");
        if (htpasswdFile is not null)
        {
            yaml.AppendLine("auth:");
            yaml.AppendLine("  htpasswd:");
            yaml.AppendLine("    realm: geosync-test");
            yaml.AppendLine($"    path: {Quote(htpasswdFile)}");
        }
        else if (options.TokenServer is { } tokens)
        {
            yaml.AppendLine("auth:");
            yaml.AppendLine("  token:");
            yaml.AppendLine($"    realm: {Quote(tokens.Realm.ToString())}");
            yaml.AppendLine($"    service: {Quote(RegistryTokenServer.Service)}");
            yaml.AppendLine($"    issuer: {Quote(RegistryTokenServer.Issuer)}");
            yaml.AppendLine($"    rootcertbundle: {Quote(tokens.CertificateBundlePath)}");
        }

        yaml.AppendLine("storage:");
        yaml.AppendLine("  filesystem:");
        yaml.AppendLine($"    rootdirectory: {Quote(storageRoot)}");
        yaml.AppendLine("  delete:");
        yaml.AppendLine("    enabled: true");
        // The registry must never delete anything GeoSync or a test put in the store behind its back.
        yaml.AppendLine("  maintenance:");
        yaml.AppendLine("    uploadpurging:");
        yaml.AppendLine("      enabled: false");
        yaml.AppendLine("http:");
        yaml.AppendLine($"  addr: 127.0.0.1:{port}");
        if (notifications is not null)
        {
            yaml.AppendLine("notifications:");
            yaml.AppendLine("  endpoints:");
            yaml.AppendLine("    - name: geosync");
            yaml.AppendLine($"      url: {Quote(notifications.Url.ToString())}");
            yaml.AppendLine($"      timeout: {Duration(notifications.Timeout)}");
            yaml.AppendLine($"      threshold: {notifications.Threshold}");
            yaml.AppendLine($"      backoff: {Duration(notifications.Backoff)}");
            if (notifications.Headers.Count > 0)
            {
                yaml.AppendLine("      headers:");
                foreach ((string name, string value) in notifications.Headers)
                {
                    yaml.AppendLine($"        {Quote(name)}: [{Quote(value)}]");
                }
            }

            if (notifications.IgnoredMediaTypes.Count > 0)
            {
                yaml.AppendLine("      ignoredmediatypes:");
                foreach (string mediaType in notifications.IgnoredMediaTypes)
                {
                    yaml.AppendLine($"        - {Quote(mediaType)}");
                }
            }
        }

        return yaml.ToString();
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string Duration(TimeSpan value) => ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
}
