using System.Text.RegularExpressions;
using Axme.Testing;

namespace Axme.Grains.Tests.Docs;

/// <summary>
/// Every relative link in README.md and docs/ points at a file or folder of the repository (issue 13 item 4): a moved
/// or renamed document fails the build instead of leaving a dead link. Links inside code blocks, absolute URLs and
/// in-page anchors are not checked; a link's own #anchor is ignored.
/// </summary>
public sealed partial class DocLinkTests
{
    [Fact]
    public void Every_relative_link_in_the_readme_and_the_docs_resolves()
    {
        var root = NodeProcess.RepositoryRoot;
        var documents = Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories)
            .Prepend(Path.Combine(root, "README.md")).ToList();

        var dead = documents.SelectMany(doc => DeadLinks(root, doc)).ToList();

        Assert.True(documents.Count > 10, $"only {documents.Count} documents found under {root}");
        Assert.True(dead.Count == 0, "dead links:\n" + string.Join("\n", dead));
    }

    [Fact]
    public void A_link_to_a_missing_file_is_reported_and_code_blocks_urls_and_anchors_are_not()
    {
        var dir = Directory.CreateTempSubdirectory("axme-doclinks-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "there.md"), "# there");
            File.WriteAllText(Path.Combine(dir, "doc.md"), """
                [ok](there.md) [ok with anchor](there.md#there) [url](https://example.com/x.md) [anchor](#top)
                [dead](gone.md)
                ```
                [in code](also-gone.md)
                ```
                """);

            Assert.Equal(["doc.md: gone.md"], DeadLinks(dir, Path.Combine(dir, "doc.md")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static IEnumerable<string> DeadLinks(string root, string document)
    {
        var text = CodeBlock().Replace(File.ReadAllText(document), "");
        foreach (Match m in Link().Matches(text))
        {
            var target = m.Groups[1].Value;
            if (target.StartsWith('#') || Scheme().IsMatch(target)) continue;
            var path = target.Split('#')[0];
            var full = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(document)!, Uri.UnescapeDataString(path)));
            if (!File.Exists(full) && !Directory.Exists(full)) yield return $"{Path.GetRelativePath(root, document)}: {target}";
        }
    }

    [GeneratedRegex(@"```.*?```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex Scheme();
}
