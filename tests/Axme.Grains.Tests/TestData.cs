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
    /// <summary>
    /// The directory of a workspace that exists (docs/adr/026: accounts are made only in one), with its organization,
    /// recorded as a start-up adoption does.
    /// </summary>
    public static async Task<Axme.Grains.Interfaces.Accounts.IWorkspaceGrain> WorkspaceAsync(IGrainFactory grains, string org, string workspace)
    {
        await grains.GetGrain<Axme.Grains.Interfaces.Tenancy.IOrganizationGrain>(org).AdoptWorkspaceAsync(workspace, "tests");
        return grains.GetGrain<Axme.Grains.Interfaces.Accounts.IWorkspaceGrain>(Axme.Grains.Interfaces.Accounts.IWorkspaceGrain.KeyFor(org, workspace));
    }

    public static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
