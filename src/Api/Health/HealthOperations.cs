using System.Reflection;
using Axme.Contracts;

namespace Axme.Api.Health;

/// <summary>
/// What the node says about itself (liveness, capabilities), for REST (HealthEndpoints) and the MCP status tool.
/// </summary>
public static class HealthOperations
{
    private static readonly string Version =
        typeof(HealthOperations).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static Capabilities Capabilities() => new()
    {
        CapabilityList =
        [
            "intents", "intents.list", "intents.events", "intents.stream", "intents.controls", "intents.policy", "intents.bulk_cancel",
            "intents.progress", "service_accounts", "agents", "agents.stream", "agents.poll", "agents.http", "agents.inbox",
            "agents.internal", "inbox", "webhooks", "webhooks.lifecycle", "tasks", "approvals", "idempotency", "mcp", "schemas",
        ],
        SupportedIntentTypes = ["intent.ask.v1"],
    };

    public static Contracts.Health Liveness() => new() { Service = "gateway", Version = Version, DeploymentProfile = "self-hosted", Storage = "postgres" };
}
