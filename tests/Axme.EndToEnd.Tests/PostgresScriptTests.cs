using System.Text.RegularExpressions;
using Axme.Testing;

namespace Axme.EndToEnd.Tests;

/// <summary>
/// scripts/postgres.sh, which ./run.sh, ./test.sh and CI start PostgreSQL with (a private cluster of the test's own).
/// </summary>
public sealed class PostgresScriptTests
{
    private const string NrHugePages = "/proc/sys/vm/nr_hugepages";

    [Fact]
    public async Task A_cluster_started_as_root_keeps_its_shared_memory_in_huge_pages_and_stop_gives_them_back()
    {
        var canReserve = Environment.IsPrivilegedProcess && Writable(NrHugePages);
        var before = ReadNumber(NrHugePages);
        await using (var pg = await PrivatePostgres.StartAsync())
        {
            var rollup = await File.ReadAllTextAsync($"/proc/{pg.PostmasterPid}/smaps_rollup");
            var hugetlbKb = Kb(rollup, "Shared_Hugetlb") + Kb(rollup, "Private_Hugetlb");
            if (canReserve)
            {
                // 256 MB of shared buffers and the rest of the shared memory: ~145 pages of 2 MB reserved by start.
                Assert.True(hugetlbKb > 0, $"the postmaster maps no huge pages:\n{rollup}");
                Assert.True(ReadNumber(NrHugePages) > 0);
            }
            else
            {
                // Not root (or a read-only /proc/sys): nothing reserved, PostgreSQL runs on normal pages.
                Assert.Equal(0, hugetlbKb);
                Assert.Equal(before, ReadNumber(NrHugePages));
            }
        }
        // What start reserved for this cluster is the host's again (the other test clusters are not running: this
        // assembly runs its tests one at a time).
        Assert.Equal(before, ReadNumber(NrHugePages));
    }

    private static bool Writable(string path)
    {
        try
        {
            using var _ = File.Open(path, FileMode.Open, FileAccess.Write);
            return true;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    // A kernel without huge-page support has no such file: nothing can be reserved there.
    private static long ReadNumber(string path) => File.Exists(path) ? long.Parse(File.ReadAllText(path).Trim()) : 0;

    private static long Kb(string rollup, string key)
    {
        var m = Regex.Match(rollup, $@"^{key}:\s+(\d+) kB", RegexOptions.Multiline);
        return m.Success ? long.Parse(m.Groups[1].Value) : 0;
    }
}
