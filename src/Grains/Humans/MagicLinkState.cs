using Axme.Grains.Interfaces.Humans;

namespace Axme.Grains.Humans;

/// <summary>Durable state of a magic link grain: its use, once there is one.</summary>
[GenerateSerializer, Alias("axme.magic-link-state")]
public sealed class MagicLinkState
{
    [Id(0)] public int SchemaVersion { get; set; } = 1;
    [Id(1)] public MagicLinkUse? Use { get; set; }
}
