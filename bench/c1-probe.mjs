// The approval round trip at concurrency 1, each one timed by phase, with the harness' own axme adapter
// (../shared/bench/peers/lib/axme.mjs, from the writable copy bench/node-probe.sh makes):
//   submit = POST /v1/scenarios/apply; task+approve = agent step delivered and resolved, human task seen on the
//   parent's SSE, decision posted; result = the terminal event on that SSE.
// Prints every round trip over AXME_PROBE_SLOW_MS (25) with its wall-clock time, then p50/p95/p99/max and each
// phase's median.
//   node bench/c1-probe.mjs N     (env: AXME_BASE_URL, AXME_API_KEY, AXME_PEERS_LIB = the harness' lib folder)
// AXME_PROBE_MONITOR="node=PID,postgres=PID": the harness' own resource Monitor (lib/proc.mjs) samples those process
// trees on this event loop while the probe runs, as bench.mjs does in every phase; the time each sample took is printed.
import { probePeer } from "./probe-peer.mjs";

let monitor = null;
const sampleMs = [];
if (process.env.AXME_PROBE_MONITOR) {
  const { Monitor } = await import(`${process.env.AXME_PEERS_LIB}/proc.mjs`);
  const components = Object.fromEntries(process.env.AXME_PROBE_MONITOR.split(",").map((kv) => kv.split("=")).map(([k, v]) => [k, +v]));
  monitor = new Monitor(components);
  const sample = monitor.sample.bind(monitor);
  monitor.sample = () => { const t = performance.now(); sample(); sampleMs.push(performance.now() - t); };
}

const slowMs = +(process.env.AXME_PROBE_SLOW_MS ?? 25);
const peer = probePeer(1, 64);
await peer.setup();
const n = +(process.argv[2] ?? 1500), tag = Date.now(), all = [], phases = { submit: [], "task+approve": [], result: [] };
for (let i = 0; i < n; i++) {
  const id = `${tag}-${i}`, t0 = performance.now();
  await peer.submit(id, { id, n: i });
  const t1 = performance.now();
  await peer.approve(id);
  const t2 = performance.now();
  await peer.result(id);
  const t3 = performance.now();
  all.push(t3 - t0);
  phases.submit.push(t1 - t0); phases["task+approve"].push(t2 - t1); phases.result.push(t3 - t2);
  if (t3 - t0 > slowMs)
    console.log(`${new Date().toISOString()} #${i} total ${(t3 - t0).toFixed(1)} ms: submit ${(t1 - t0).toFixed(1)}, task+approve ${(t2 - t1).toFixed(1)}, result ${(t3 - t2).toFixed(1)}`);
}
all.sort((a, b) => a - b);
const at = (q) => all[Math.min(n - 1, Math.ceil(q * n) - 1)].toFixed(1);
console.log(`${n} round trips at C=1: p50 ${at(0.5)} ms, p95 ${at(0.95)}, p99 ${at(0.99)}, max ${all[n - 1].toFixed(1)}; ${all.filter((x) => x > slowMs).length} over ${slowMs} ms`);
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1].toFixed(2);
console.log(`phase medians: ${Object.entries(phases).map(([k, xs]) => `${k} ${median(xs)} ms`).join(", ")}`);
if (monitor) {
  monitor.stop();
  sampleMs.sort((a, b) => a - b);
  console.log(`monitor: ${sampleMs.length} samples, p50 ${sampleMs[sampleMs.length >> 1].toFixed(1)} ms, max ${sampleMs[sampleMs.length - 1].toFixed(1)} ms`);
}
await peer.close();
process.exit(0);
