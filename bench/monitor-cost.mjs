// What one memory sample of the peers' harness (lib/proc.mjs: readFileSync of /proc/PID/smaps_rollup for every process
// of a component) costs, process by process: the kernel walks each process' page tables for it, so the cost follows
// the memory each process has mapped and touched. Used by bench/node-probe.sh c1 after its probes.
//   node bench/monitor-cost.mjs PROC_MJS name=PID ...      (PROC_MJS: the harness' lib/proc.mjs, for its tree())
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [procMjs, ...components] = process.argv.slice(2);
const { tree } = await import(pathToFileURL(procMjs).href);
const read = (path) => { try { return readFileSync(path, "utf8"); } catch { return ""; } };
for (const [name, root] of components.map((kv) => kv.split("="))) {
  let total = 0;
  for (const pid of tree(+root)) {
    let best = Infinity, text = "";
    for (let i = 0; i < 5; i++) { // the fastest of five: the walk's own cost, not the machine's noise
      const t = performance.now();
      text = read(`/proc/${pid}/smaps_rollup`);
      best = Math.min(best, performance.now() - t);
    }
    const mb = (key) => (+(text.match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m"))?.[1] ?? 0) / 1024).toFixed(0);
    total += best;
    console.log(`${name} ${pid}: ${best.toFixed(2)} ms, Rss ${mb("Rss")} MB, Pss ${mb("Pss")} MB, ${read(`/proc/${pid}/cmdline`).replace(/\0/g, " ").trim().slice(0, 60)}`);
  }
  console.log(`${name}: ${total.toFixed(1)} ms per sample`);
}
