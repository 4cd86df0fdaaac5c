using Axme.Grains.Interfaces.Common;

namespace Axme.Grains.Interfaces.Intents;

/// <summary>
/// Who may do what with an intent. Reading (and listening, leasing) is for the intent's workspace and
/// for its handler agent, wherever that agent lives. Changing it (resolve, resume, acknowledge, controls,
/// policy) is for its handler, its sender and admins only.
/// </summary>
public static class IntentAccess
{
    public static bool CanRead(Caller caller, IntentRecord intent) =>
        caller.CanAccess(intent.OrgId, intent.WorkspaceId) || IsHandler(caller, intent);

    public static bool CanChange(Caller caller, IntentRecord intent) =>
        caller.IsAdmin || caller.ServiceAccountId == intent.CreatedBy || IsHandler(caller, intent);

    private static bool IsHandler(Caller caller, IntentRecord intent) =>
        string.Equals(caller.AgentAddress, intent.ToAgent, StringComparison.Ordinal);
}
