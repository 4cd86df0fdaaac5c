using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Humans;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Humans;

/// <summary>
/// One magic link's single use. Not reentrant, so two requests with the same link run one after the
/// other: the second finds the use the first wrote and is refused before it reaches the intent.
/// </summary>
public sealed class MagicLinkGrain(
    [PersistentState(AxmeNames.MagicLinkState, AxmeNames.Storage)] IPersistentState<MagicLinkState> state,
    TimeProvider time) : Grain, IMagicLinkGrain
{
    public Task<MagicLinkUse?> GetUseAsync() => Task.FromResult(state.State.Use);

    public async Task<IntentWriteResult> RedeemAsync(Guid intentId, string assignee, string taskResultJson)
    {
        if (state.State.Use is not null)
            throw new ProtocolException(410, "magic_link_used", "this link has already been used");
        // Written first: should the node die after the answer but before a later write, the link stays used.
        state.State.Use = new MagicLinkUse(intentId, assignee, time.GetUtcNow());
        await state.WriteStateAsync();
        try
        {
            // The signed link is the authority here, as an admin key would be; the event names the assignee.
            return await GrainFactory.GetGrain<IIntentGrain>(intentId).ResumeAsync(Caller.System, new ResumeCommand
            {
                Kind = ResumeKind.TaskResult,
                BodyJson = taskResultJson,
                Actor = assignee,
                Reason = "answered by magic link",
            }, null);
        }
        catch (ProtocolException e) when (e.Status == 422)
        {
            // The task refused the answer itself (a form error, a missing comment): nothing was applied, so
            // the assignee may correct it with the same link.
            state.State.Use = null;
            await state.WriteStateAsync();
            throw;
        }
    }
}
