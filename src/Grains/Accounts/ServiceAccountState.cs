using Axme.Grains.Interfaces.Accounts;

namespace Axme.Grains.Accounts;

/// <summary>Durable state of a service account: its record, including key metadata and hashes.</summary>
[GenerateSerializer, Alias("axme.service-account-state")]
public sealed class ServiceAccountState
{
    [Id(0)] public int SchemaVersion { get; set; } = 1;
    [Id(1)] public ServiceAccountRecord? Account { get; set; }
    /// <summary>Its agent is killed (the mesh): every key, new ones too, is bound with AgentKilled.</summary>
    [Id(2)] public bool AgentKilled { get; set; }
}
