using Axme.Grains.Common;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Intents;

/// <summary>
/// The one deadline in force for an intent: the earliest of deadline_at, created_at + controls
/// timeout_seconds, created_at + policy ttl_seconds / execution_timeout_seconds and policy expires_at.
/// All durations count from creation so re-sending the same control never moves the deadline.
/// </summary>
public static class IntentDeadlines
{
    public static DateTimeOffset? Compute(IntentRecord intent)
    {
        var controls = JsonText.Parse(intent.ControlsJson);
        var envelope = JsonText.Parse(intent.EnvelopeJson);
        DateTimeOffset? best = intent.DeadlineAt;
        void Consider(DateTimeOffset? candidate)
        {
            if (candidate is { } c && (best is null || c < best)) best = c;
        }
        DateTimeOffset? After(double? seconds) => seconds is { } s ? intent.CreatedAt.AddSeconds(s) : null;

        Consider(After(JsonText.PositiveSeconds(controls, "timeout_seconds")));
        Consider(After(JsonText.PositiveSeconds(envelope, "ttl_seconds")));
        Consider(After(JsonText.PositiveSeconds(envelope, "execution_timeout_seconds")));
        Consider(JsonText.Timestamp(envelope, "expires_at"));
        return best;
    }
}
