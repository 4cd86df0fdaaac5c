namespace Axme.Grains.Interfaces.Humans;

/// <summary>
/// The human task types of PROTOCOL §7.1 with their accept and decline outcomes: the rules (Grains) and the
/// web inbox (Api) both need them, so the table lives here, once.
/// </summary>
public static class HumanTaskTypes
{
    private static readonly Dictionary<string, (string[] Accept, string[] Decline)> Types = new(StringComparer.Ordinal)
    {
        ["approval"] = (["approved"], ["rejected"]),
        ["review"] = (["approved", "changes_requested"], ["rejected"]),
        ["clarification"] = (["provided"], ["rejected"]),
        ["provide_data"] = (["provided"], ["rejected"]),
        ["attach_file"] = (["attached"], ["rejected"]),
        ["manual_action"] = (["completed"], ["failed"]),
        ["confirmation"] = (["confirmed"], ["rejected"]),
        ["validate_real_world"] = (["validated"], ["rejected"]),
        ["validate_output"] = (["validated"], ["rejected"]),
        ["assignment"] = (["assigned"], ["declined"]),
        ["delegation"] = (["delegated"], ["declined"]),
        ["reroute"] = (["rerouted"], ["declined"]),
        ["override"] = (["override_approved"], ["rejected"]),
        ["escalate"] = (["escalated"], ["declined"]),
        ["form"] = (["submitted"], ["rejected"]),
    };

    /// <summary>Every task type.</summary>
    public static IEnumerable<string> All => Types.Keys;

    public static bool Exists(string type) => Types.ContainsKey(type);

    /// <summary>The type's accept outcomes, first the one an approval decision uses.</summary>
    public static IReadOnlyList<string> Accept(string type) => Types[type].Accept;

    /// <summary>The type's decline outcomes, first the one a rejection decision uses.</summary>
    public static IReadOnlyList<string> Decline(string type) => Types[type].Decline;
}
