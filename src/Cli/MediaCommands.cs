using System.ComponentModel;
using System.Globalization;
using System.Text.Json.Nodes;
using Axme.Client;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Axme.Cli;

public sealed class MediaUploadSettings : GlobalSettings
{
    [CommandArgument(0, "<file>")]
    [Description("The file to upload")]
    public string File { get; set; } = "";

    [CommandOption("--type <MIME>")]
    [Description("Its content type (else guessed from its name)")]
    public string? Type { get; set; }

    [CommandOption("--name <NAME>")]
    [Description("The name it is stored under (else the file's own)")]
    public string? Name { get; set; }
}

/// <summary>axme media upload &lt;file&gt;: create, PUT and finalize; prints the upload id an intent or a task's evidence names.</summary>
public sealed class MediaUploadCommand : AxmeCommand<MediaUploadSettings>
{
    protected override async Task<int> RunAsync(MediaUploadSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var upload = await Files.UploadAsync(client, s.File, s.Name, s.Type, ct);
        if (s.Json) PrintJson(Raw(upload));
        else AnsiConsole.MarkupLine($"[green]uploaded[/] {Esc(upload.Filename)} ({Esc(upload.MimeType)}, {upload.SizeBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes): "
            + $"[bold]{upload.UploadId}[/]\nname it in a payload or a task's evidence as {Esc($"{{\"upload_id\": \"{upload.UploadId}\"}}")}");
        return 0;
    }
}

public sealed class MediaIdSettings : GlobalSettings
{
    [CommandArgument(0, "<upload_id>")]
    [Description("The upload's id")]
    public string Id { get; set; } = "";

    public Guid UploadId => Guid.TryParse(Id, out var id) ? id : throw new CliException(ExitCodes.Usage, $"not an upload id: {Id}");
}

/// <summary>axme media get &lt;upload_id&gt;: the upload with its status and signed links.</summary>
public sealed class MediaGetCommand : AxmeCommand<MediaIdSettings>
{
    protected override async Task<int> RunAsync(MediaIdSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var u = (await client.GetMediaAsync(s.UploadId, ct)).Upload;
        if (s.Json) { PrintJson(Raw(u)); return 0; }
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("file", Esc(u.Filename));
        grid.AddRow("type", Esc(u.MimeType));
        grid.AddRow("size", u.SizeBytes.ToString("N0", CultureInfo.InvariantCulture) + " bytes");
        grid.AddRow("sha256", Esc(u.Sha256 ?? "—"));
        grid.AddRow("status", Esc(u.Status));
        grid.AddRow("owner", Esc(u.OwnerAgent));
        grid.AddRow("download", Esc(u.DownloadUrl ?? "— (not finalized)"));
        if (u.PreviewUrl is not null) grid.AddRow("preview", Esc(u.PreviewUrl));
        AnsiConsole.Write(grid);
        return 0;
    }
}

public sealed class MediaDownloadSettings : GlobalSettings
{
    [CommandArgument(0, "<upload_id>")]
    [Description("The upload's id")]
    public string Id { get; set; } = "";

    [CommandOption("-o|--output <FILE>")]
    [Description("Where to write it (else its own name in the current directory; - for stdout)")]
    public string? Output { get; set; }
}

/// <summary>axme media download &lt;upload_id&gt; [-o FILE]: the file's bytes, checked against its SHA-256.</summary>
public sealed class MediaDownloadCommand : AxmeCommand<MediaDownloadSettings>
{
    protected override async Task<int> RunAsync(MediaDownloadSettings s, CancellationToken ct)
    {
        var id = Guid.TryParse(s.Id, out var g) ? g : throw new CliException(ExitCodes.Usage, $"not an upload id: {s.Id}");
        using var client = Connection.Resolve(s).CreateClient();
        var u = (await client.GetMediaAsync(id, ct)).Upload;
        if (s.Output == "-")
        {
            await using var stdout = Console.OpenStandardOutput();
            await client.DownloadMediaAsync(id, stdout, ct);
            return 0;
        }
        var path = s.Output ?? Path.GetFileName(u.Filename);
        var partial = path + ".part";
        await using (var file = File.Create(partial))
        {
            using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            await client.DownloadMediaAsync(id, new HashingStream(file, sha), ct);
            var actual = Convert.ToHexStringLower(sha.GetHashAndReset());
            if (u.Sha256 is { } expected && actual != expected)
                throw new CliException(ExitCodes.Server, $"the bytes received have SHA-256 {actual}, not {expected}: nothing written to {path}");
        }
        File.Move(partial, path, overwrite: true);
        if (s.Json) PrintJson(new JsonObject { ["ok"] = true, ["path"] = Path.GetFullPath(path), ["size_bytes"] = new FileInfo(path).Length, ["sha256"] = u.Sha256 });
        else AnsiConsole.MarkupLine($"[green]saved[/] {Esc(path)} ({new FileInfo(path).Length.ToString("N0", CultureInfo.InvariantCulture)} bytes, SHA-256 checked)");
        return 0;
    }

    /// <summary>Writes through to a file while hashing what passes.</summary>
    private sealed class HashingStream(Stream inner, System.Security.Cryptography.IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            hash.AppendData(buffer.Span);
            await inner.WriteAsync(buffer, ct);
        }
    }
}

/// <summary>axme media delete &lt;upload_id&gt;.</summary>
public sealed class MediaDeleteCommand : AxmeCommand<MediaIdSettings>
{
    protected override async Task<int> RunAsync(MediaIdSettings s, CancellationToken ct)
    {
        using var client = Connection.Resolve(s).CreateClient();
        var r = await client.DeleteMediaAsync(s.UploadId, ct);
        if (s.Json) PrintJson(Raw(r));
        else AnsiConsole.MarkupLine($"[red]deleted[/] {r.UploadId}");
        return 0;
    }
}

/// <summary>Local files to uploads: the content type from the name (MimeKit's table) unless given.</summary>
internal static class Files
{
    public static async Task<MediaUpload> UploadAsync(AxmeClient client, string path, string? name, string? type, CancellationToken ct)
    {
        if (!File.Exists(path)) throw new CliException(ExitCodes.Usage, $"no such file: {path}");
        await using var file = File.OpenRead(path);
        return await client.UploadFileAsync(file, name ?? Path.GetFileName(path), type ?? MimeKit.MimeTypes.GetMimeType(path), null, ct);
    }

    /// <summary>The evidence that names uploaded files: [{upload_id, filename}].</summary>
    public static async Task<JsonArray> EvidenceAsync(AxmeClient client, IEnumerable<string> paths, CancellationToken ct)
    {
        var evidence = new JsonArray();
        foreach (var path in paths)
        {
            var u = await UploadAsync(client, path, null, null, ct);
            evidence.Add(new JsonObject { ["upload_id"] = u.UploadId.ToString(), ["filename"] = u.Filename });
        }
        return evidence;
    }
}
