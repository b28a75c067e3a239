using System.Data;

namespace GeoSync.Persistence.Tests.OrleansAdoNet;

/// <summary>
/// What Microsoft.Orleans.{Clustering,Persistence,Reminders}.AdoNet 10.4.2 ask of the <c>OrleansQuery</c> table, read
/// from the 10.4.2 assemblies (DbStoredQueries, RelationalOrleansQueries, AdoNetGrainStorage): per query key, the
/// parameters the provider binds (name and <see cref="DbType"/>, as its DbExtensions map .NET types) and the result
/// columns it reads by name (an empty list: it reads column 0, or nothing).
/// </summary>
public static class OrleansQueryContract
{
    public sealed record Parameter(string Name, DbType Type);

    public sealed record Query(string Key, string Provider, bool Required, IReadOnlyList<Parameter> Parameters, IReadOnlyList<string> Columns);

    private static readonly Parameter DeploymentId = new("DeploymentId", DbType.String);
    private static readonly Parameter Address = new("Address", DbType.AnsiString);
    private static readonly Parameter Port = new("Port", DbType.Int32);
    private static readonly Parameter Generation = new("Generation", DbType.Int32);
    private static readonly Parameter Status = new("Status", DbType.Int32);
    private static readonly Parameter MembershipVersion = new("Version", DbType.Int32);
    private static readonly Parameter StartTime = new("StartTime", DbType.DateTime);
    private static readonly Parameter IAmAliveTime = new("IAmAliveTime", DbType.DateTime);
    private static readonly Parameter SuspectTimes = new("SuspectTimes", DbType.String);

    private static readonly string[] MemberColumns =
        ["Version", "Address", "Port", "Generation", "SiloName", "HostName", "Status", "ProxyPort", "SuspectTimes", "StartTime", "IAmAliveTime"];

    private static readonly Parameter[] GrainKey =
    [
        new("GrainIdHash", DbType.Int32), new("GrainIdN0", DbType.Int64), new("GrainIdN1", DbType.Int64),
        new("GrainTypeHash", DbType.Int32), new("GrainTypeString", DbType.String), new("GrainIdExtensionString", DbType.String),
        new("ServiceId", DbType.String),
    ];

    private static readonly Parameter GrainStateVersion = new("GrainStateVersion", DbType.Int32);

    private static readonly Parameter ServiceId = new("ServiceId", DbType.String);
    private static readonly Parameter GrainId = new("GrainId", DbType.AnsiString);
    private static readonly Parameter ReminderName = new("ReminderName", DbType.String);
    private static readonly string[] ReminderColumns = ["GrainId", "ReminderName", "StartTime", "Period", "Version"];

    private const string Clustering = "Microsoft.Orleans.Clustering.AdoNet";
    private const string Persistence = "Microsoft.Orleans.Persistence.AdoNet";
    private const string Reminders = "Microsoft.Orleans.Reminders.AdoNet";

    public static IReadOnlyList<Query> Queries { get; } =
    [
        // Clustering: every DbStoredQueries property must have a row or the provider refuses to start.
        new("InsertMembershipVersionKey", Clustering, true, [DeploymentId], []),
        new("MembershipReadRowKey", Clustering, true, [DeploymentId, Address, Port, Generation], MemberColumns),
        new("MembershipReadAllKey", Clustering, true, [DeploymentId], MemberColumns),
        new("InsertMembershipKey", Clustering, true,
            [DeploymentId, IAmAliveTime, new("SiloName", DbType.String), new("HostName", DbType.String), Address, Port, Generation,
             StartTime, Status, new("ProxyPort", DbType.Int32), MembershipVersion], []),
        new("UpdateMembershipKey", Clustering, true, [DeploymentId, Address, Port, Generation, IAmAliveTime, Status, SuspectTimes, MembershipVersion], []),
        new("UpdateIAmAlivetimeKey", Clustering, true, [DeploymentId, Address, Port, Generation, IAmAliveTime], []),
        new("GatewaysQueryKey", Clustering, true, [DeploymentId, Status], ["Address", "ProxyPort", "Generation"]),
        new("DeleteMembershipTableEntriesKey", Clustering, true, [DeploymentId], []),
        new("CleanupDefunctSiloEntriesKey", Clustering, true, [DeploymentId, IAmAliveTime], []),
        // Optional in 10.4.2 (looked up with GetValueOrDefault); when present the provider uses it instead of the bulk key.
        new("CleanupDefunctSiloEntryKey", Clustering, false, [DeploymentId, Address, Port, Generation, SuspectTimes, StartTime, IAmAliveTime], []),

        // Grain storage: AdoNetGrainStorage.DefaultInitializationQuery; DeleteStorageKey is needed only with DeleteStateOnClear.
        new("ReadFromStorageKey", Persistence, true, GrainKey, ["PayloadBinary", "Version"]),
        new("WriteToStorageKey", Persistence, true, [.. GrainKey, GrainStateVersion, new("PayloadBinary", DbType.Binary)], ["NewGrainStateVersion"]),
        new("ClearStorageKey", Persistence, true, [.. GrainKey, GrainStateVersion], []),
        new("DeleteStorageKey", Persistence, false, [.. GrainKey, GrainStateVersion], []),

        // Reminders: every DbStoredQueries property must have a row. @Period is Int32 up to int.MaxValue ms, else Int64.
        new("ReadReminderRowsKey", Reminders, true, [ServiceId, GrainId], ReminderColumns),
        new("ReadReminderRowKey", Reminders, true, [ServiceId, GrainId, ReminderName], ReminderColumns),
        new("ReadRangeRows1Key", Reminders, true, [ServiceId, new("BeginHash", DbType.Int32), new("EndHash", DbType.Int32)], ReminderColumns),
        new("ReadRangeRows2Key", Reminders, true, [ServiceId, new("BeginHash", DbType.Int32), new("EndHash", DbType.Int32)], ReminderColumns),
        new("UpsertReminderRowKey", Reminders, true,
            [ServiceId, new("GrainHash", DbType.Int32), GrainId, ReminderName, StartTime, new("Period", DbType.Int64)], ["Version"]),
        new("DeleteReminderRowKey", Reminders, true, [ServiceId, GrainId, ReminderName, new("Version", DbType.Int32)], []),
        new("DeleteReminderRowsKey", Reminders, true, [ServiceId], []),
    ];
}
