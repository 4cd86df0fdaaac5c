using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Interfaces.Humans;

/// <summary>
/// The single use of one magic link, keyed by the link's nonce. The use is written before the answer is
/// applied, so a replayed link finds it and changes nothing; an answer the task refuses as invalid (422)
/// gives the link back, so a form can be corrected.
/// </summary>
[Alias("axme.IMagicLinkGrain")]
public interface IMagicLinkGrain : IGrainWithStringKey
{
    /// <summary>When and for which answer the link was used, or null while it is unused.</summary>
    [Alias("GetUse")]
    Task<MagicLinkUse?> GetUseAsync();

    /// <summary>
    /// Records the use, then answers the intent's human task as the assignee (a task_result JSON object).
    /// 410 magic_link_used when the link was used before; the intent's own refusals pass through.
    /// </summary>
    [Alias("Redeem")]
    Task<IntentWriteResult> RedeemAsync(Guid intentId, string assignee, string taskResultJson);
}

/// <summary>A used magic link: the task it answered, by whom, when.</summary>
[GenerateSerializer, Immutable, Alias("axme.magic-link-use")]
public sealed record MagicLinkUse(
    [property: Id(0)] Guid IntentId,
    [property: Id(1)] string Assignee,
    [property: Id(2)] DateTimeOffset UsedAt);
