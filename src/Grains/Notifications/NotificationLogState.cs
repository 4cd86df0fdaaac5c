namespace Axme.Grains.Notifications;

/// <summary>Durable state of an intent's notification log.</summary>
[GenerateSerializer, Alias("axme.notification-log-state")]
public sealed class NotificationLogState
{
    public const int CurrentSchemaVersion = 1;

    [Id(0)] public int SchemaVersion { get; set; } = CurrentSchemaVersion;
    [Id(1)] public List<string> DeliveryIds { get; set; } = [];
}
