// The peers harness' lib/proc.mjs (../shared/bench/peers), installed by bench/peers-monitor.sh as proc.orig.mjs, with
// one change, to show its effect: the Monitor's memory samples every 500 ms (a walk of /proc and a read of
// smaps_rollup of every process of every component: 20-80 ms of kernel time for a .NET silo and a PostgreSQL with its
// backends on this machine) run on a worker thread instead of blocking the driver's event loop, where they delay every
// round trip in flight. Same samples and CPU accounting (the worker is in the driver's process: its CPU stays client CPU).
import { Worker, isMainThread, workerData, parentPort } from "node:worker_threads";
import { cpuSeconds, hwmMB, machineBusySeconds, pssMB } from "./proc.orig.mjs";

export * from "./proc.orig.mjs"; // everything else as shipped; the Monitor below shadows the original's

// The original's Monitor, its setInterval sampling replaced by the worker.
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
  setInterval(() => parentPort.postMessage(Object.fromEntries(Object.entries(components).map(([k, p]) => [k, pssMB(p)]))), ms);
}
