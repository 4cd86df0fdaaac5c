using System.Text.RegularExpressions;
using System.Xml.Linq;
using Axme.Testing;

namespace Axme.Grains.Tests.Docs;

/// <summary>
/// No Docker engine runs on the project's machines, so docker/Dockerfile is checked here: its restore layer copies the
/// project file of every project the silo builds from (a new project reference missing there fails `dotnet restore`
/// in the image build, ADR 019 added src/Contracts).
/// </summary>
public sealed partial class DockerfileTests
{
    [Fact]
    public void The_restore_layer_copies_every_project_the_silo_references()
    {
        var root = NodeProcess.RepositoryRoot;
        var dockerfile = File.ReadAllText(Path.Combine(root, "docker", "Dockerfile"));
        var restoreAt = dockerfile.IndexOf("RUN dotnet restore", StringComparison.Ordinal);
        Assert.True(restoreAt > 0, "docker/Dockerfile has no 'RUN dotnet restore' step");
        var copied = CopyLine().Matches(dockerfile[..restoreAt]).Select(m => m.Groups[1].Value).ToHashSet();

        var projects = Closure(Path.Combine(root, "src", "Silo", "Axme.Silo.csproj"))
            .Select(p => Path.GetRelativePath(root, p).Replace('\\', '/')).ToList();

        Assert.Contains("src/Contracts/Axme.Contracts.csproj", projects);
        var missing = projects.Where(p => !copied.Contains(p)).ToList();
        Assert.True(missing.Count == 0, "docker/Dockerfile copies no project file for: " + string.Join(", ", missing));
    }

    /// <summary>The project and every project it references, transitively.</summary>
    private static HashSet<string> Closure(string project, HashSet<string>? seen = null)
    {
        seen ??= [];
        if (!seen.Add(Path.GetFullPath(project))) return seen;
        foreach (var reference in XDocument.Load(project).Descendants("ProjectReference"))
            Closure(Path.Combine(Path.GetDirectoryName(project)!, reference.Attribute("Include")!.Value.Replace('\\', '/')), seen);
        return seen;
    }

    [GeneratedRegex(@"^COPY\s+(\S+\.csproj)\s", RegexOptions.Multiline)]
    private static partial Regex CopyLine();
}
