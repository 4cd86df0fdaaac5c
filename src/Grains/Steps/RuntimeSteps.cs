using System.Globalization;
using System.Text.Json.Nodes;
using Axme.Grains.Common;
using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;
using Axme.Grains.Interfaces.Notifications;

namespace Axme.Grains.Steps;

/// <summary>
/// The built-in steps (PROTOCOL §8.4 item 8, `runtime_type`) that run inside the runtime with no agent:
/// human_approval, timeout, delay, reminder, escalation, notification. Pure: validation of runtime_config,
/// what the step intent looks like when created, and what happens when its time comes (the transition and
/// the notifications to send). The workflow engine runs its steps as such intents.
/// </summary>
public static class RuntimeSteps
{
    public const string HumanApproval = "human_approval";
    public const string Timeout = "timeout";
    public const string Delay = "delay";
    public const string Reminder = "reminder";
    public const string Escalation = "escalation";
    public const string Notification = "notification";

    public static readonly IReadOnlyList<string> Types = [HumanApproval, Timeout, Delay, Reminder, Escalation, Notification];

    /// <summary>Validates runtime_config for its type (422 naming the field) and returns it normalised.</summary>
    public static JsonObject Normalize(string type, string? configJson)
    {
        if (!Types.Contains(type))
            throw ProtocolException.Invalid("runtime_type", $"runtime_type must be one of {string.Join(", ", Types)}", "invalid_runtime_type");
        var config = configJson is null ? new JsonObject() : JsonText.Parse(configJson);
        switch (type)
        {
            case Timeout:
                Seconds(config, "seconds", required: true, min: 1);
                break;
            case Delay:
                if (config["until"] is null) Seconds(config, "seconds", required: true, min: 0);
                else Until(config);
                break;
            case Reminder:
                Seconds(config, "after_seconds", required: false, min: 0);
                Recipients(config, required: true);
                Text(config, "message", 2000);
                break;
            case Escalation:
                Seconds(config, "after_seconds", required: false, min: 0);
                if (Text(config, "escalate_to", 383) is null) throw Invalid("escalate_to", "an escalation names escalate_to");
                Text(config, "message", 2000);
                break;
            case Notification:
                Recipients(config, required: false);
                Text(config, "subject", 255);
                Text(config, "message", 5000);
                if (config["webhook"] is { } w && (w is not JsonValue v || !v.TryGetValue<bool>(out _))) throw Invalid("webhook", "webhook must be true or false");
                break;
        }
        return config;
    }

    /// <summary>The steps that wait for a time (all but human_approval and timeout, which use the task and the deadline machinery).</summary>
    public static bool Waits(string type) => type is Delay or Reminder or Escalation or Notification;

    /// <summary>When a waiting step fires, counted from its creation.</summary>
    public static DateTimeOffset WakeAt(string type, JsonObject config, DateTimeOffset created) => type switch
    {
        Delay when config["until"] is not null => Until(config),
        Delay => created.AddSeconds(Seconds(config, "seconds", true, 0)!.Value),
        Reminder or Escalation => created.AddSeconds(Seconds(config, "after_seconds", false, 0) ?? 0),
        _ => created,
    };

    /// <summary>The deadline a timeout step puts on itself.</summary>
    public static DateTimeOffset TimeoutAt(JsonObject config, DateTimeOffset created) => created.AddSeconds(Seconds(config, "seconds", true, 1)!.Value);

    /// <summary>A human_approval step's task: its runtime_config, with the task defaults (HumanTasks.Normalize runs on it).</summary>
    public static string HumanTask(JsonObject config) => config.ToJsonString();

    /// <summary>Notifications a firing step sends: e-mail to e-mail-shaped recipients, and the chat webhook (unless webhook=false).</summary>
    public static IEnumerable<(string Id, Interfaces.Notifications.Notification Notification)> Notifications(IntentRecord intent, JsonObject config)
    {
        var type = intent.RuntimeType!;
        var to = config["to"] is JsonArray a ? a.Select(x => x!.GetValue<string>()).ToArray()
            : config["escalate_to"] is JsonValue e ? [e.GetValue<string>()] : [];
        var subject = (config["subject"] as JsonValue)?.GetValue<string>() ?? type switch
        {
            Reminder => "Reminder", Escalation => "Escalated to you", _ => "Notification",
        };
        var message = (config["message"] as JsonValue)?.GetValue<string>() ?? subject;
        var text = $"{message}\n\nIntent: {intent.IntentId} ({intent.IntentType})\nFrom: {intent.FromAgent}\n";
        var emails = Humans.TaskNotifications.EmailsOf(to).Select(e => e.Address).ToArray();
        var key = $"{intent.IntentId:N}:step";
        if (emails.Length > 0) yield return ($"{key}:email", Interfaces.Notifications.Notification.ByEmail(type, intent.IntentId, emails, subject, text));
        if (config["webhook"] is not JsonValue w || w.GetValue<bool>())
            yield return ($"{key}:webhook", Interfaces.Notifications.Notification.ByWebhook(type, intent.IntentId, new JsonObject
            {
                ["text"] = message, ["type"] = type, ["intent_id"] = intent.IntentId.ToString(), ["subject"] = subject,
                ["to"] = new JsonArray([.. to.Select(t => (JsonNode)t)]),
            }));
    }

    private static double? Seconds(JsonObject config, string name, bool required, int min)
    {
        if (config[name] is null) return required ? throw Invalid(name, $"runtime_config.{name} is required") : null;
        return config[name] is JsonValue v && v.TryGetValue<double>(out var s) && s >= min && s <= 31_536_000
            ? s
            : throw Invalid(name, $"runtime_config.{name} must be a number of seconds from {min.ToString(CultureInfo.InvariantCulture)} to 31536000");
    }

    private static DateTimeOffset Until(JsonObject config) =>
        config["until"] is JsonValue v && v.TryGetValue<string>(out var s) && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.ToUniversalTime()
            : throw Invalid("until", "runtime_config.until must be an RFC 3339 timestamp");

    private static void Recipients(JsonObject config, bool required)
    {
        if (config["to"] is null)
        {
            if (required) throw Invalid("to", "runtime_config.to lists who to tell");
            return;
        }
        if (config["to"] is not JsonArray a || a.Count is 0 or > 20 || a.Any(x => x is not JsonValue v || !v.TryGetValue<string>(out var s) || s.Length is 0 or > 320))
            throw Invalid("to", "runtime_config.to must list 1–20 recipients (e-mail addresses, human:…, roles or agent addresses)");
    }

    private static string? Text(JsonObject config, string name, int max)
    {
        if (config[name] is null) return null;
        return config[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length <= max
            ? s
            : throw Invalid(name, $"runtime_config.{name} must be a string of at most {max} characters");
    }

    private static ProtocolException Invalid(string field, string message) => ProtocolException.Invalid("runtime_config." + field, message);
}
