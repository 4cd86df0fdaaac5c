using System.Reflection;
using System.Text.Json.Nodes;
using Axme.Api.Http;

namespace Axme.Api.Health;

/// <summary>
/// What the node says about itself (liveness, capabilities), for REST (HealthEndpoints) and the MCP status tool.
/// </summary>
public static class HealthOperations
{
    private static readonly string Version =
        typeof(HealthOperations).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static JsonObject Capabilities() => Wire.Ok(
        ("capabilities", new JsonArray("intents", "intents.list", "intents.events", "intents.stream", "intents.controls",
            "intents.policy", "intents.bulk_cancel", "intents.progress", "service_accounts", "agents", "agents.stream", "agents.poll",
            "agents.http", "agents.inbox", "agents.internal", "inbox", "webhooks", "webhooks.lifecycle", "tasks", "approvals", "idempotency", "mcp", "schemas")),
        ("supported_intent_types", new JsonArray("intent.ask.v1")));

    public static JsonObject Liveness() => Wire.Ok(
        ("service", "gateway"), ("version", Version), ("deployment_profile", "self-hosted"), ("storage", "postgres"));
}
