using System.Text.Json;
using System.Text.Json.Nodes;

namespace Axme.Cli;

/// <summary>One named context: where the node is and how to authenticate.</summary>
public sealed class CliContext
{
    public string? BaseUrl { get; set; }
    public string? ApiKey { get; set; }
    public string? OrgId { get; set; }
    public string? WorkspaceId { get; set; }
    public string? ActorToken { get; set; }
    public string? OwnerAgent { get; set; }
    /// <summary>A signed-in person's refresh token (axme login), spent to renew <see cref="ActorToken"/> when it is about to expire.</summary>
    public string? RefreshToken { get; set; }
    /// <summary>The API key came with a sign-in (the session's own key, revoked with it): logout forgets it too.</summary>
    public bool LoginKey { get; set; }
}

/// <summary>
/// The user's config file ($XDG_CONFIG_HOME/axme/config.json or ~/.config/axme/config.json, mode 0600):
/// {"current_context": "default", "contexts": {"default": {"base_url", "api_key", "org_id", "workspace_id",
/// "actor_token"?, "owner_agent"?}}}.
/// </summary>
public sealed class CliConfig
{
    public const string DefaultBaseUrl = "http://127.0.0.1:8100";

    public string CurrentContext { get; set; } = "default";
    public Dictionary<string, CliContext> Contexts { get; } = new(StringComparer.Ordinal);

    public static string Dir
    {
        get
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_CONFIG_HOME");
            var root = !string.IsNullOrWhiteSpace(xdg) ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
            return Path.Combine(root, "axme");
        }
    }

    public static string FilePath => Path.Combine(Dir, "config.json");

    public static CliConfig Load()
    {
        var config = new CliConfig();
        if (!File.Exists(FilePath)) return config;
        JsonObject? root;
        try { root = JsonNode.Parse(File.ReadAllText(FilePath)) as JsonObject; }
        catch (JsonException e) { throw new CliException(1, $"config file {FilePath} is not valid JSON: {e.Message}"); }
        if (root is null) return config;
        if (root["current_context"]?.GetValue<string>() is { Length: > 0 } current) config.CurrentContext = current;
        if (root["contexts"] is JsonObject contexts)
        {
            foreach (var (name, node) in contexts)
            {
                if (node is not JsonObject o) continue;
                config.Contexts[name] = new CliContext
                {
                    BaseUrl = Str(o, "base_url"),
                    ApiKey = Str(o, "api_key"),
                    OrgId = Str(o, "org_id"),
                    WorkspaceId = Str(o, "workspace_id"),
                    ActorToken = Str(o, "actor_token"),
                    OwnerAgent = Str(o, "owner_agent"),
                    RefreshToken = Str(o, "refresh_token"),
                    LoginKey = o["login_key"] is JsonValue v && v.TryGetValue<bool>(out var b) && b,
                };
            }
        }
        return config;
    }

    private static string? Str(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public void Save()
    {
        var contexts = new JsonObject();
        foreach (var (name, c) in Contexts)
        {
            var o = new JsonObject();
            if (c.BaseUrl is not null) o["base_url"] = c.BaseUrl;
            if (c.ApiKey is not null) o["api_key"] = c.ApiKey;
            if (c.OrgId is not null) o["org_id"] = c.OrgId;
            if (c.WorkspaceId is not null) o["workspace_id"] = c.WorkspaceId;
            if (c.ActorToken is not null) o["actor_token"] = c.ActorToken;
            if (c.OwnerAgent is not null) o["owner_agent"] = c.OwnerAgent;
            if (c.RefreshToken is not null) o["refresh_token"] = c.RefreshToken;
            if (c.LoginKey) o["login_key"] = true;
            contexts[name] = o;
        }
        var root = new JsonObject { ["current_context"] = CurrentContext, ["contexts"] = contexts };
        WritePrivate(FilePath, root);
    }

    /// <summary>
    /// Writes a JSON file only its owner can read (it holds keys): the config directory 0700, the file 0600,
    /// through a temp file and a rename so a killed process never leaves half a file.
    /// </summary>
    public static void WritePrivate(string path, JsonNode content)
    {
        if (!Directory.Exists(Dir))
        {
            if (OperatingSystem.IsWindows()) Directory.CreateDirectory(Dir);
            else Directory.CreateDirectory(Dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var tmp = $"{path}.{Environment.ProcessId}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(tmp, options))
        using (var writer = new StreamWriter(stream))
            writer.Write(content.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        // A leftover temp file of an earlier, killed run keeps its old mode: set it explicitly.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Move(tmp, path, overwrite: true);
    }

    public CliContext Current => Contexts.TryGetValue(CurrentContext, out var c) ? c : new CliContext();
}

/// <summary>A failure the CLI reports as "error: …" with an exit code.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
