using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Intents;

public static partial class IntentTransitions
{
    /// <summary>Accumulates events with consecutive seqs, checking each move against the table.</summary>
    private sealed class EventLog(IntentRecord start, DateTimeOffset now)
    {
        private readonly List<IntentEvent> _events = [];

        public IntentRecord Intent { get; set; } = start;

        public void Append(string eventType, string status, string? waitingReason = null, PendingWith? pendingWith = null,
            string? actor = null, string? details = null, string? humanTaskJson = null)
        {
            var from = Intent.Status;
            // The first event of a new intent is intent.created itself; later moves must be in the table.
            var isCreation = _events.Count == 0 && Intent.LastSeq == 0;
            // IN_PROGRESS → IN_PROGRESS (a progress report) and WAITING → WAITING (a reminder, an escalation):
            // same status, one more event.
            var sameStatusEvent = from == status && status is IntentStatus.InProgress or IntentStatus.Waiting;
            if (!isCreation && !sameStatusEvent && !IsAllowed(from, status))
                throw new InvalidOperationException($"transition {from} -> {status} is not allowed");
            var seq = Intent.LastSeq + 1;
            var e = new IntentEvent
            {
                IntentId = Intent.IntentId,
                Seq = seq,
                EventType = eventType,
                Status = status,
                At = now,
                WaitingReason = status == IntentStatus.Waiting ? waitingReason : null,
                PendingWith = IntentStatus.IsTerminal(status) ? null : pendingWith ?? Intent.PendingWith,
                Handler = Intent.Handler,
                Actor = actor,
                DetailsJson = details,
                HumanTaskJson = humanTaskJson,
            };
            _events.Add(e);
            Intent = Intent with
            {
                Status = status,
                WaitingReason = e.WaitingReason,
                WaitingSince = status != IntentStatus.Waiting ? null : from == IntentStatus.Waiting ? Intent.WaitingSince : now,
                PendingWith = e.PendingWith,
                LastSeq = seq,
                UpdatedAt = now,
            };
        }

        /// <summary>COMPLETED is only reachable from IN_PROGRESS: pass through it in the same write (PROTOCOL §5.1.3).</summary>
        public void MoveThroughInProgress(string? actor)
        {
            if (Intent.Status != IntentStatus.InProgress)
                Append(IntentEventType.InProgress, IntentStatus.InProgress, actor: actor);
        }

        public Transition Result(IntentRecord final) => new(final, _events);
    }
}
