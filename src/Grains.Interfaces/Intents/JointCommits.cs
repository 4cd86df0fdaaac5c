using System.Collections.Concurrent;

namespace Axme.Grains.Interfaces.Intents;

/// <summary>
/// Two intents' writes in one PostgreSQL transaction, on one silo: a workflow step intent's end and its parent's step
/// that takes it (docs/adr/038). The step intent opens a joint, starts its write into it (held there, not sent) and tells
/// its parent with the joint's id; the parent's write joins it, and both are sent together: neither is durable without
/// the other, and the step's end waits for one commit instead of two in a row. A parent on another silo finds no joint
/// and says so; the step intent then seals it (its write goes alone) and tells the parent again once that is durable,
/// as it does without a joint. The intents' storage reads <see cref="Current"/>; stores that do not leave the joint
/// empty, and sealing an empty joint does nothing.
/// </summary>
public sealed class JointCommits
{
    private static readonly AsyncLocal<Joint?> CurrentJoint = new();
    private readonly ConcurrentDictionary<Guid, Joint> _open = new();

    /// <summary>The joint the intent writes started in this flow take part in, if any.</summary>
    public static Joint? Current => CurrentJoint.Value;

    /// <summary>Writes started until the scope is disposed take part in <paramref name="joint"/> (none: null).</summary>
    public static Scope Enter(Joint? joint)
    {
        var previous = CurrentJoint.Value;
        CurrentJoint.Value = joint;
        return new Scope(previous);
    }

    /// <summary>A new joint, findable by its id on this silo until it is disposed.</summary>
    public Joint Open()
    {
        var joint = new Joint(this);
        _open[joint.Id] = joint;
        return joint;
    }

    /// <summary>The joint of that id if it was opened on this silo and is still open.</summary>
    public Joint? Find(Guid id) => _open.GetValueOrDefault(id);

    public readonly struct Scope(Joint? previous) : IDisposable
    {
        public void Dispose() => CurrentJoint.Value = previous;
    }

    public sealed class Joint(JointCommits owner) : IDisposable
    {
        private readonly Lock _gate = new();
        private object? _held;
        private Action<object>? _sendHeld;
        private bool _sealed;

        public Guid Id { get; } = Guid.NewGuid();

        /// <summary>
        /// Offers a write. False: it is held, to be sent by the write that joins it or alone by <see cref="Seal"/>
        /// (with <paramref name="sendAlone"/>). True: it is to be sent now by its caller, with <paramref name="partner"/>
        /// (the write held before it, in the same transaction) or alone (null: the joint was sealed).
        /// </summary>
        public bool TryJoin(object write, Action<object> sendAlone, out object? partner)
        {
            lock (_gate)
            {
                partner = null;
                if (_sealed) return true;
                if (_held is null)
                {
                    (_held, _sendHeld) = (write, sendAlone);
                    return false;
                }
                (partner, _held, _sealed) = (_held, null, true);
                return true;
            }
        }

        /// <summary>No more writes join; one held goes alone.</summary>
        public void Seal()
        {
            object? held;
            Action<object>? send;
            lock (_gate)
            {
                if (_sealed) return;
                (held, send, _held, _sealed) = (_held, _sendHeld, null, true);
            }
            if (held is not null) send!(held);
        }

        /// <summary>Seals it and forgets it.</summary>
        public void Dispose()
        {
            Seal();
            owner._open.TryRemove(Id, out _);
        }
    }
}
