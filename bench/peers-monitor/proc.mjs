// Server-side resource accounting from /proc (Linux only).
// A copy of the peers harness' lib/proc.mjs (../shared/bench/peers) with one change, made by bench/peers-monitor.sh to
// show its effect: the Monitor's memory samples every 500 ms (a walk of /proc and a read of smaps_rollup of every
// process of every component: 20-80 ms of kernel time for a .NET silo and a PostgreSQL with its backends on this
// machine) run on a worker thread instead of blocking the driver's event loop, where they delay every round trip in
// flight. Same samples, same CPU accounting (the worker is in the driver's process, so its CPU stays client CPU).
// A "component" is a root PID plus all its descendants (e.g. postmaster + backends).
import { readFileSync, readdirSync } from "node:fs";
import { Worker, isMainThread, workerData, parentPort } from "node:worker_threads";

const TICK = Number(process.env.CLK_TCK || 100);

function stat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = s.slice(s.lastIndexOf(")") + 2).split(" "); // f[0] = field 3 (state)
    return { ppid: +f[1], utime: +f[11], stime: +f[12], cutime: +f[13], cstime: +f[14] };
  } catch { return null; }
}

export function tree(root) {
  const kids = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    const s = stat(d);
    if (s) (kids.get(s.ppid) ?? kids.set(s.ppid, []).get(s.ppid)).push(+d);
  }
  const out = [];
  const walk = (p) => { out.push(p); for (const k of kids.get(p) ?? []) walk(k); };
  walk(root);
  return out;
}

// CPU seconds of the whole tree, including children that already exited and were reaped by the root.
export function cpuSeconds(root) {
  let ticks = 0;
  for (const pid of tree(root)) {
    const s = stat(pid);
    if (!s) continue;
    ticks += s.utime + s.stime + (pid === root ? s.cutime + s.cstime : 0);
  }
  return ticks / TICK;
}

function kb(pid, file, key) {
  try {
    const m = readFileSync(`/proc/${pid}/${file}`, "utf8").match(new RegExp(`^${key}:\\s+(\\d+) kB`, "m"));
    return m ? +m[1] : 0;
  } catch { return 0; }
}

// Proportional set size of the tree (shared pages such as shared_buffers counted once).
export const pssMB = (root) => tree(root).reduce((a, p) => a + kb(p, "smaps_rollup", "Pss"), 0) / 1024;
export const hwmMB = (root) => kb(root, "status", "VmHWM") / 1024;

// Busy CPU seconds of the whole machine (all processes), to spot interference from other load.
export function machineBusySeconds() {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + f[4];
  return (f.slice(0, 8).reduce((a, b) => a + b, 0) - idle) / TICK;
}

// Samples memory of the components every `ms` while a phase runs: on a worker thread (see the top of this file).
export class Monitor {
  constructor(components, ms = 500) {
    this.components = components; // { name: pid }
    this.peak = Object.fromEntries(Object.keys(components).map((k) => [k, 0]));
    this.worker = new Worker(new URL(import.meta.url), { workerData: { components, ms } });
    this.worker.on("message", (m) => { for (const [k, v] of Object.entries(m)) this.peak[k] = Math.max(this.peak[k], v); });
    this.worker.unref();
    this.cpu0 = this.cpu();
    this.busy0 = machineBusySeconds();
    this.sample();
  }
  cpu() { return Object.fromEntries(Object.entries(this.components).map(([k, p]) => [k, cpuSeconds(p)])); }
  sample() {
    for (const [k, p] of Object.entries(this.components)) this.peak[k] = Math.max(this.peak[k], pssMB(p));
  }
  stop() {
    this.worker.terminate();
    this.sample();
    const cpu1 = this.cpu(), busy1 = machineBusySeconds();
    const cpu = {}, mem = {};
    for (const [k, p] of Object.entries(this.components)) {
      cpu[k] = +(cpu1[k] - this.cpu0[k]).toFixed(2);
      mem[k] = +Math.max(this.peak[k], hwmMB(p)).toFixed(1);
    }
    return { server_cpu_s: cpu, peak_rss_mb: mem, machine_busy_cpu_s: +(busy1 - this.busy0).toFixed(2) };
  }
}

if (!isMainThread && workerData?.components) {
  const { components, ms } = workerData;
  const sample = () => parentPort.postMessage(Object.fromEntries(Object.entries(components).map(([k, p]) => [k, pssMB(p)])));
  setInterval(sample, ms);
}
