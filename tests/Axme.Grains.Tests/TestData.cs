using Axme.Grains.Interfaces.Common;
using Axme.Grains.Interfaces.Intents;

namespace Axme.Grains.Tests;

/// <summary>Callers and commands for tests; every grain test takes fresh keys from here.</summary>
internal static class TestData
{
    public const string ToAgent = "agent://acme/ops/billing";

    public const string HumanTask = """
        {"title": "Approve refund", "assignees": ["human:alice@example.com"],
         "allowed_outcomes": ["approved", "rejected"]}
        """;

    public static Caller Caller(string org = "acme", string workspace = "ops", string serviceAccount = "sa_sender") => new()
    {
        ServiceAccountId = serviceAccount,
        KeyId = "sak_test",
        OrgId = org,
        WorkspaceId = workspace,
        AgentAddress = $"agent://{org}/{workspace}/sender",
    };

    public static CreateIntentCommand Create(Caller caller, string requestHash = "hash-1", DateTimeOffset? deadlineAt = null,
        string? humanTaskJson = null) => new()
    {
        Caller = caller,
        IntentType = "refund.requested.v1",
        CorrelationId = Guid.NewGuid().ToString(),
        FromAgent = caller.AgentAddress,
        ToAgent = ToAgent,
        PayloadJson = """{"order_id": "o-1", "amount": 12.5}""",
        DeadlineAt = deadlineAt,
        HumanTaskJson = humanTaskJson,
        RequestHash = requestHash,
    };

    public static ResolveCommand Complete(string resultJson = """{"refunded": true}""") =>
        new() { Status = IntentStatus.Completed, ResultJson = resultJson };

    /// <summary>A random workspace, so tests never share an account directory.</summary>
    public static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
