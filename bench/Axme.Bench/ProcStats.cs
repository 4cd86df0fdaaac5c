using System.Diagnostics;
using System.Globalization;

namespace Axme.Bench;

/// <summary>
/// CPU accounting from /proc (Linux; everything is empty elsewhere). A component is a root PID and its
/// descendants. A component named "postgres" is split into the backends connected to the node's database
/// ("postgres_db": their command line names it) and everything else under the postmaster ("postgres_rest":
/// WAL writer, checkpointer, other databases' backends; the cluster may be shared with other work).
/// </summary>
public sealed class ProcStats
{
    private static readonly double Tick = double.TryParse(Environment.GetEnvironmentVariable("CLK_TCK"), CultureInfo.InvariantCulture, out var t) && t > 0 ? t : 100;

    private readonly Dictionary<string, int> _components;
    private readonly string? _pgDatabase;

    public ProcStats(Dictionary<string, int> components, string? pgDatabase)
    {
        _components = components;
        _pgDatabase = pgDatabase;
    }

    public static bool Available => File.Exists("/proc/stat");

    /// <summary>CPU seconds per pid for every accounted process, plus machine and client totals.</summary>
    public Snapshot Take()
    {
        var perComponent = new Dictionary<string, Dictionary<int, double>>(StringComparer.Ordinal);
        if (Available && _components.Count > 0)
        {
            var stats = ReadAll();
            var children = new Dictionary<int, List<int>>();
            foreach (var (pid, s) in stats)
            {
                if (!children.TryGetValue(s.PPid, out var list)) children[s.PPid] = list = [];
                list.Add(pid);
            }
            foreach (var (name, root) in _components)
            {
                if (!stats.ContainsKey(root)) continue;
                var tree = new List<int>();
                var stack = new Stack<int>([root]);
                while (stack.TryPop(out var p))
                {
                    tree.Add(p);
                    foreach (var c in children.GetValueOrDefault(p) ?? []) stack.Push(c);
                }
                if (name == "postgres" && _pgDatabase is not null)
                {
                    var db = new Dictionary<int, double>();
                    var rest = new Dictionary<int, double>();
                    foreach (var p in tree)
                        (p != root && IsBackendOf(p, _pgDatabase) ? db : rest)[p] = stats[p].Cpu(p == root);
                    perComponent["postgres_db"] = db;
                    perComponent["postgres_rest"] = rest;
                }
                else
                {
                    perComponent[name] = tree.ToDictionary(p => p, p => stats[p].Cpu(p == root));
                }
            }
        }
        using var self = Process.GetCurrentProcess();
        return new Snapshot(perComponent, MachineBusySeconds(), self.TotalProcessorTime.TotalSeconds, Stopwatch.GetTimestamp());
    }

    /// <summary>CPU used between two snapshots; processes that exited in between are lost (postmaster's cutime picks them up).</summary>
    public static CpuUsage Between(Snapshot a, Snapshot b)
    {
        var servers = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (name, pids) in b.PerComponent)
        {
            var before = a.PerComponent.GetValueOrDefault(name);
            servers[name] = LatencyStats.Round(pids.Sum(kv => kv.Value - (before?.GetValueOrDefault(kv.Key) ?? 0)));
        }
        var machine = b.MachineBusy - a.MachineBusy;
        var client = b.ClientCpu - a.ClientCpu;
        return new CpuUsage(
            LatencyStats.Round(Stopwatch.GetElapsedTime(a.Timestamp, b.Timestamp).TotalSeconds),
            servers,
            LatencyStats.Round(client),
            LatencyStats.Round(machine),
            Available ? LatencyStats.Round(machine - client - servers.Values.Sum()) : null);
    }

    public static string? LoadAverage() => Available ? File.ReadAllText("/proc/loadavg").Trim() : null;

    private static bool IsBackendOf(int pid, string database)
    {
        // Backends retitle themselves "postgres: USER DATABASE HOST(PORT) STATE".
        try
        {
            var cmd = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            var parts = cmd.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts.Length >= 3 && parts[0] == "postgres:" && parts[2] == database;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static Dictionary<int, Stat> ReadAll()
    {
        var all = new Dictionary<int, Stat>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            try
            {
                var text = File.ReadAllText($"{dir}/stat");
                var f = text[(text.LastIndexOf(')') + 2)..].Split(' '); // f[0] = field 3 (state)
                all[pid] = new Stat(int.Parse(f[1], CultureInfo.InvariantCulture), long.Parse(f[11], CultureInfo.InvariantCulture),
                    long.Parse(f[12], CultureInfo.InvariantCulture), long.Parse(f[13], CultureInfo.InvariantCulture),
                    long.Parse(f[14], CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // the process went away while we looked
            }
        }
        return all;
    }

    private static double MachineBusySeconds()
    {
        if (!Available) return 0;
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        return (f.Sum() - f[3] - f[4]) / Tick; // all but idle and iowait
    }

    private sealed record Stat(int PPid, long UTime, long STime, long CUTime, long CSTime)
    {
        public double Cpu(bool withReapedChildren) => (UTime + STime + (withReapedChildren ? CUTime + CSTime : 0)) / Tick;
    }

    public sealed record Snapshot(Dictionary<string, Dictionary<int, double>> PerComponent, double MachineBusy, double ClientCpu, long Timestamp);
}

/// <summary>CPU seconds during a phase: per server component, the benchmark client, the whole machine, and the rest ("other").</summary>
public sealed record CpuUsage(double WallS, SortedDictionary<string, double> ServerCpuS, double ClientCpuS, double MachineBusyCpuS, double? OtherCpuS);
