namespace GeoSync.Domain.Events;

/// <summary>What a registry event means for replication.</summary>
public enum RegistryEventKind
{
    /// <summary>Nothing replication needs (an unknown action).</summary>
    Ignored,

    /// <summary>A manifest, index or artifact was pushed, by tag or by digest (index children carry no tag).</summary>
    ManifestPush,

    /// <summary>A blob was pushed; the manifest push that follows is what replicates it.</summary>
    BlobPush,

    /// <summary>A manifest or blob was fetched or checked (HEAD requests arrive as pulls).</summary>
    Pull,

    /// <summary>A blob was mounted from another repository.</summary>
    Mount,

    /// <summary>A manifest was deleted by digest (the registry also sends a tag delete for each tag it held).</summary>
    ManifestDelete,

    /// <summary>A tag was deleted.</summary>
    TagDelete,
}
