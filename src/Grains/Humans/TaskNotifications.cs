using System.Text.Json.Nodes;
using Axme.Grains.Common;
using Axme.Grains.Interfaces.Intents;
using Axme.Grains.Interfaces.Notifications;

namespace Axme.Grains.Humans;

/// <summary>
/// What people are told when a human task is assigned, reminded or escalated (pure): an e-mail to every
/// assignee that is an e-mail address (and the task's notify_email), and one message on the chat webhook.
/// Each has a stable id per event, so a retried commit never notifies twice.
/// </summary>
public static class TaskNotifications
{
    /// <summary>The notifications of one event; magicLink mints a sign-in-free link for one assignee (null: no links, e.g. no web inbox).</summary>
    public static IEnumerable<(string Id, Notification Notification)> For(IntentRecord intent, IntentEvent e, Func<string, Uri?>? magicLink = null)
    {
        var type = e.EventType switch
        {
            IntentEventType.HumanTaskAssigned => "task_assigned",
            IntentEventType.Reminder => "reminder",
            IntentEventType.Escalated => "escalated",
            _ => null,
        };
        if (type is null || intent.HumanTaskJson is null) yield break;
        var task = JsonText.Parse(intent.HumanTaskJson);
        var title = (task["title"] as JsonValue)?.GetValue<string>() ?? "Human task";
        var description = (task["description"] as JsonValue)?.TryGetValue<string>(out var d) == true ? d : null;
        var headline = type switch
        {
            "task_assigned" => $"Task for you: {title}",
            "reminder" => $"Reminder: {title}",
            _ => $"Escalated to you: {title}",
        };
        var text = $"""
            {headline}

            {description ?? "A task is waiting for your answer."}

            Task: {intent.IntentId} ({task["task_type"]})
            From: {intent.FromAgent}
            Answer it in the inbox (/inbox) or with: axme tasks approve {intent.IntentId}
            """;
        var key = $"{intent.IntentId:N}:{e.Seq}";
        // One e-mail per recipient: each carries a magic link bound to that recipient (single use, expiring).
        foreach (var (assignee, address) in Emails(task))
        {
            var link = magicLink?.Invoke(assignee);
            var body = link is null ? text : $"{text}\nAnswer without signing in (this link is for {address} only, works once): {link}\n";
            var html = link is null ? null
                : $"<p>{Encode(headline)}</p><p>{Encode(description ?? "A task is waiting for your answer.")}</p><p><a href=\"{Encode(link.ToString())}\">Open the task</a> (for {Encode(address)} only; works once).</p>";
            yield return ($"{key}:email:{address.ToLowerInvariant()}", Notification.ByEmail(type, intent.IntentId, [address], headline, body, html));
        }
        yield return ($"{key}:webhook", Notification.ByWebhook(type, intent.IntentId, new JsonObject
        {
            ["text"] = headline,
            ["type"] = type,
            ["intent_id"] = intent.IntentId.ToString(),
            ["approval_id"] = intent.IntentId.ToString(),
            ["title"] = title,
            ["task_type"] = task["task_type"]?.DeepClone(),
            ["assignees"] = task["assignees"]?.DeepClone(),
            ["from_agent"] = intent.FromAgent,
        }));
    }

    /// <summary>Assignees that are e-mail addresses, plus notify_email: (assignee as written, address).</summary>
    private static IEnumerable<(string Assignee, string Address)> Emails(JsonObject task)
    {
        var all = new List<string>();
        if (task["assignees"] is JsonArray assignees)
            all.AddRange(assignees.Select(a => (a as JsonValue)?.GetValue<string>()).OfType<string>());
        if ((task["notify_email"] as JsonValue)?.TryGetValue<string>(out var n) == true) all.Add(n);
        return EmailsOf(all);
    }

    /// <summary>The recipients that are e-mail addresses ("alice@example.com" or "human:alice@example.com"), once each: (as written, address).</summary>
    public static IEnumerable<(string Assignee, string Address)> EmailsOf(IEnumerable<string> recipients) =>
        recipients.Select(a => (Assignee: a, Address: a.StartsWith("human:", StringComparison.Ordinal) ? a["human:".Length..] : a))
            .Where(a => a.Address.Contains('@', StringComparison.Ordinal) && !a.Address.Contains(':', StringComparison.Ordinal))
            .DistinctBy(a => a.Address.ToLowerInvariant());

    private static string Encode(string text) => System.Net.WebUtility.HtmlEncode(text);
}
