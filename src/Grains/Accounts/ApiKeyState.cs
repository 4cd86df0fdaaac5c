using Axme.Grains.Interfaces.Accounts;

namespace Axme.Grains.Accounts;

/// <summary>Durable state of an API key grain.</summary>
[GenerateSerializer, Alias("axme.api-key-state")]
public sealed class ApiKeyState
{
    [Id(0)] public int SchemaVersion { get; set; } = 1;
    [Id(1)] public ApiKeyBinding? Binding { get; set; }
    [Id(2)] public bool Revoked { get; set; }
}
