using System.Text.Json.Nodes;
using Axme.Grains.Interfaces.Accounts;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Interfaces.Humans;

/// <summary>What a task's assignees are matched against for a human user: read from the account when needed, never from the key.</summary>
public sealed record HumanIdentity(string UserId, string? Email, IReadOnlyList<string> Roles, IReadOnlyList<string> Teams)
{
    /// <summary>The identity of a live human account; null for anything else.</summary>
    public static HumanIdentity? Of(ServiceAccountRecord? account) =>
        account is { IsHuman: true, Status: "active" } a ? new HumanIdentity(a.ServiceAccountId, a.Email, a.Roles, a.Teams) : null;
}

/// <summary>
/// Who may answer a human task (resume with task_result, approval decisions) and whose task list shows it
/// (docs/adr/009). Pure: the caller, the human user behind it (if any) and the intent decide.
/// <list type="bullet">
/// <item>An admin key always may.</item>
/// <item>A human user's key may when the task has no assignees, or one names the user: its e-mail (also
/// human:&lt;email&gt;, case-insensitive), its user id (also user:&lt;id&gt;), its agent address (full or bare
/// name), or one of its roles or teams (role:&lt;name&gt;, team:&lt;name&gt;, or the bare name).</item>
/// <item>Any other key may when an assignee names its agent address, or, while no assignee is human-shaped
/// (an e-mail, a human:/user:/role:/team: form, a user id), when it may change the intent
/// (<see cref="IntentAccess.CanChange"/>: its sender or handler).</item>
/// </list>
/// </summary>
public static class TaskAccess
{
    private static readonly string[] HumanPrefixes = ["human:", "user:", "role:", "team:"];

    public static bool CanAnswer(Caller caller, HumanIdentity? human, IntentRecord intent)
    {
        if (caller.IsAdmin) return true;
        var assignees = Assignees(intent.HumanTaskJson);
        if (caller.IsHuman)
            return human is not null && (assignees.Count == 0 || assignees.Any(a => NamesHuman(a, human) || NamesAgent(a, caller)));
        if (assignees.Any(a => NamesAgent(a, caller))) return true;
        return !assignees.Any(IsHumanShaped) && IntentAccess.CanChange(caller, intent);
    }

    /// <summary>The 403 for a caller that may not answer, naming who may.</summary>
    public static ProtocolException NotAnAssignee(IntentRecord intent) =>
        new(403, "not_an_assignee", Assignees(intent.HumanTaskJson) is { Count: > 0 } a
            ? $"only the task's assignees ({string.Join(", ", a)}) or an admin may answer this task"
            : "only a human user of the workspace, the intent's sender or handler, or an admin may answer this task");

    /// <summary>
    /// Whether a person (an e-mail, or a user id) is named by one of the task's assignees as it is written, plain or
    /// as human:/user: (ADR 017): the only people a magic link may be minted for. Roles and teams name nobody in
    /// particular, so a link for "a member of ops" would be a link for whoever the minter says.
    /// </summary>
    public static bool IsListedAssignee(string? humanTaskJson, string person) =>
        Assignees(humanTaskJson).Any(a => Split(a) is var (prefix, name) && prefix is null or "human" or "user" && Same(name, person.Trim()));

    /// <summary>The task's assignees, trimmed; empty when there are none (or no task).</summary>
    public static IReadOnlyList<string> Assignees(string? humanTaskJson)
    {
        if (humanTaskJson is null || JsonNode.Parse(humanTaskJson)?["assignees"] is not JsonArray list) return [];
        return list.Select(x => x is JsonValue v && v.TryGetValue<string>(out var s) ? s.Trim() : "").Where(s => s.Length > 0).ToArray();
    }

    private static bool NamesHuman(string assignee, HumanIdentity human)
    {
        var (prefix, name) = Split(assignee);
        return prefix switch
        {
            "human" => Same(name, human.Email),
            "user" => name == human.UserId,
            "role" => human.Roles.Any(r => Same(r, name)),
            "team" => human.Teams.Any(t => Same(t, name)),
            null => Same(name, human.Email) || name == human.UserId || human.Roles.Any(r => Same(r, name)) || human.Teams.Any(t => Same(t, name)),
            _ => false,
        };
    }

    /// <summary>An assignee naming the caller's agent address, as agent://org/ws/name or the bare name (PROTOCOL §6.1).</summary>
    private static bool NamesAgent(string assignee, Caller caller) =>
        Split(assignee).Prefix is null && !assignee.Contains('@', StringComparison.Ordinal)
        && AgentAddress.Canonical(assignee, caller) == caller.AgentAddress;

    private static bool IsHumanShaped(string assignee) =>
        assignee.Contains('@', StringComparison.Ordinal) || Split(assignee).Prefix is not null
        || assignee.StartsWith("sa_", StringComparison.Ordinal);

    /// <summary>human:/user:/role:/team: forms, case-insensitive; anything else (agent://…, bare names, e-mails) has no prefix.</summary>
    private static (string? Prefix, string Name) Split(string assignee)
    {
        foreach (var p in HumanPrefixes)
            if (assignee.StartsWith(p, StringComparison.OrdinalIgnoreCase)) return (p[..^1], assignee[p.Length..].Trim());
        return (null, assignee);
    }

    private static bool Same(string? a, string? b) => a is not null && b is not null && string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
