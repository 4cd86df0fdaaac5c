using System.Text.Json.Nodes;
using Axme.Testing;

namespace Axme.Cli.Tests;

/// <summary>Files from the CLI: media upload, get, download (checked), delete, and a task answered with a file as evidence.</summary>
public sealed partial class CliCommandsTests
{
    [Fact]
    public async Task Media_commands_upload_show_download_and_delete_a_file_and_a_task_takes_one_as_evidence()
    {
        var dir = Directory.CreateTempSubdirectory("axme-cli-media-").FullName;
        try
        {
            var source = Path.Combine(dir, "report.pdf");
            var bytes = new byte[300_000];
            new Random(3).NextBytes(bytes);
            await File.WriteAllBytesAsync(source, bytes);

            var uploaded = await RunAsync("media", "upload", source, "--json");
            Ok(uploaded);
            var id = uploaded.Json["upload_id"].Str();
            Assert.Equal("application/pdf", uploaded.Json["mime_type"].Str()); // from the file's name
            Assert.Equal("ready", uploaded.Json["status"].Str());
            Assert.Equal(bytes.Length, uploaded.Json["size_bytes"]!.GetValue<long>());

            var shown = await RunAsync("media", "get", id);
            Ok(shown);
            Assert.Contains("report.pdf", shown.Stdout);
            Assert.Contains("ready", shown.Stdout);

            var target = Path.Combine(dir, "copy.pdf");
            Ok(await RunAsync("media", "download", id, "-o", target));
            Assert.Equal(bytes, await File.ReadAllBytesAsync(target));

            // A task answered with a file: uploaded, then named in the answer's evidence.
            var task = await TaskAsync(new { title = "Check the report", task_type = "approval", evidence_required = true });
            Ok(await RunAsync("tasks", "approve", task, "--evidence", source));
            var evidence = (await TaskResultAsync(task))["evidence"]![0]!;
            Assert.Equal("report.pdf", evidence["filename"].Str());
            Assert.Equal("ready", (await Fixture.A.GetJsonAsync($"/v1/media/{evidence["upload_id"].Str()}")).Ok()["upload"]!["status"].Str());

            Ok(await RunAsync("media", "delete", id));
            Assert.Equal(2, (await RunAsync("media", "get", id)).ExitCode); // not found
            Assert.Equal(1, (await RunAsync("media", "upload", Path.Combine(dir, "missing.bin"))).ExitCode);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
