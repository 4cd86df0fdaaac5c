// Where one approval round trip at C=1 spends its time, hop by hop, seen from the driver: the harness' own axme adapter
// (as c1-probe.mjs) with node:http instrumented to time each request it sends and each SSE chunk it receives.
// Prints the median time of each mark after the apply was sent, and the median gap between consecutive marks; the whole
// trip's mean and tail with the harness' p99 of each window of 300; how many requests the node itself took over 5 ms
// for (its /metrics histogram) against how many the driver waited over 5 ms for; the slowest trips, with the driver's
// own GC pauses among them (AXME_TIMELINE_WALL=1: and their wall-clock start, to line up with a trace of the node).
//   node bench/c1-timeline.mjs N     (env: AXME_BASE_URL, AXME_API_KEY, AXME_PEERS_LIB = the harness' lib folder)
import http from "node:http";
import { probePeer } from "./probe-peer.mjs";
import { PerformanceObserver } from "node:perf_hooks";

// The driver's own garbage collections, to tell its pauses from the node's in the slowest trips.
const gcs = [];
new PerformanceObserver((list) => gcs.push(...list.getEntries().map((e) => [e.startTime, e.duration]))).observe({ entryTypes: ["gc"] });

let marks = null; // the marks of the round trip in flight: [name, ms]
const mark = (name) => marks?.push([name, performance.now()]);
const label = (method, path) =>
  path.includes("/scenarios/apply") ? "apply" : path.includes("/resolve") ? "resolve" : path.includes("/decision") ? "decision"
    : path.includes("/agents/") ? "agent-stream" : path.includes("/events/stream") ? "parent-stream" : `${method} ${path}`;

const request = http.request;
http.request = function (url, options, callback) {
  const u = new URL(typeof url === "string" ? url : url.href), what = label(options?.method ?? "GET", u.pathname);
  const sse = what.endsWith("-stream");
  mark(`${what} sent`);
  const req = request.call(this, url, options, (res) => {
    mark(sse ? `${what} open` : `${what} headers`);
    res.on("data", (chunk) => {
      if (!sse) return;
      const text = chunk.toString();
      if (what === "agent-stream" && text.includes("intent_id")) mark("delivery received");
      if (what === "parent-stream") {
        if (text.includes("human_task_assigned") || text.includes("WAITING_FOR_HUMAN")) mark("task seen");
        if (/"status":"(COMPLETED|FAILED|CANCELED|TIMED_OUT)"/.test(text)) mark("terminal seen");
      }
    });
    if (!sse) res.on("end", () => mark(`${what} answered`));
    callback(res);
  });
  return req;
};

const peer = probePeer(1, 64);
await peer.setup();
// The node's own request durations (its /metrics histogram) over the probe, to tell a request slow inside the node from
// one slow on its way: the count of each route's requests over 5 ms.
async function slowInNode() {
  const r = await fetch(`${process.env.AXME_BASE_URL}/metrics`, { headers: { "x-api-key": process.env.AXME_API_KEY } });
  const out = {};
  for (const m of (await r.text()).matchAll(/^http_server_request_duration_seconds_bucket\{(.*)\} (\d+)$/gm)) {
    const route = /http_route="([^"]*)"/.exec(m[1])?.[1], le = /le="([^"]*)"/.exec(m[1])?.[1];
    if (!route) continue;
    const o = (out[route] ??= { all: 0, fast: 0 });
    if (le === "+Inf") o.all += +m[2];
    if (le === "0.005") o.fast += +m[2];
  }
  return out;
}
const node0 = await slowInNode();
const n = +(process.argv[2] ?? 1000), tag = Date.now(), trips = [];
for (let i = 0; i < n; i++) {
  const id = `${tag}-${i}`;
  marks = [];
  mark("start");
  await peer.submit(id, { id, n: i });
  await peer.approve(id);
  await peer.result(id);
  mark("end");
  trips.push(marks);
  marks = null;
}
const node1 = await slowInNode();
await peer.close();

// Marks in the order of the first trip; a mark missing from a trip is left out of its medians.
const names = [...new Set(trips[Math.min(10, n - 1)].map(([k]) => k))];
const median = (xs) => { xs.sort((a, b) => a - b); return xs[xs.length >> 1]; };
const at = (trip, name) => { const m = trip.find(([k]) => k === name); return m ? m[1] - trip[0][1] : undefined; };
const skip = Math.min(100, n >> 2); // the first ones warm the path
console.log(`${n - skip} round trips at C=1 (the first ${skip} left out); median ms after the apply was sent, and gap from the mark above:`);
let prev = 0;
for (const name of names) {
  const t = median(trips.slice(skip).map((tr) => at(tr, name)).filter((x) => x !== undefined));
  console.log(`  ${name.padEnd(24)} ${t.toFixed(2).padStart(7)}  +${(t - prev).toFixed(2)}`);
  prev = t;
}
const total = (tr) => tr[tr.length - 1][1] - tr[0][1];
// The whole trip's mean and tail, and the harness' p99 over each window of 300 consecutive trips (its third slowest):
// what PEER_C=1 PEER_N=300 reports, without the harness' memory samples.
const totals = trips.slice(skip).map(total);
const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const windows = [];
for (let i = 0; i + 300 <= totals.length; i += 300) windows.push(q(totals.slice(i, i + 300), 0.99).toFixed(1));
console.log(`whole trip: mean ${(totals.reduce((a, b) => a + b, 0) / totals.length).toFixed(2)}, p50 ${q(totals, 0.5).toFixed(2)}, ` +
  `p90 ${q(totals, 0.9).toFixed(2)}, p99 ${q(totals, 0.99).toFixed(2)} ms; p99 per window of 300: ${windows.join(", ")}`);
const slow = trips.slice(skip).sort((a, b) => total(b) - total(a)).slice(0, +(process.env.AXME_TIMELINE_SLOWEST ?? 8));
for (const [route, o] of Object.entries(node1)) {
  const all = o.all - (node0[route]?.all ?? 0), slow5 = all - (o.fast - (node0[route]?.fast ?? 0));
  if (all) console.log(`node: ${route} ${all} requests, ${slow5} over 5 ms inside the node`);
}
const hop = (name) => trips.slice(skip).filter((tr) => { const i = tr.findIndex(([k]) => k === `${name} sent`), j = tr.findIndex(([k]) => k === `${name} headers`);
  return i >= 0 && j >= 0 && tr[j][1] - tr[i][1] > 5; }).length;
console.log(`driver: over 5 ms to their headers: apply ${hop("apply")}, resolve ${hop("resolve")}, decision ${hop("decision")} (of ${trips.length - skip} trips)`);
console.log(`the slowest, mark by mark (gap from the mark before, ms):`);
// AXME_TIMELINE_WALL=1: each with its wall-clock start (ms since the epoch), to line up with the node's own traces.
const wall = (tr) => (process.env.AXME_TIMELINE_WALL ? ` at ${(performance.timeOrigin + tr[0][1]).toFixed(1)} (${tr[0][1].toFixed(1)} in the process)` : "");
const driverGc = (tr) => {
  const ms = gcs.filter(([t, d]) => t + d >= tr[0][1] && t <= tr[tr.length - 1][1]).reduce((a, [, d]) => a + d, 0);
  return ms ? ` (driver GC ${ms.toFixed(1)} ms)` : "";
};
for (const tr of slow)
  console.log(`  ${total(tr).toFixed(1).padStart(6)}${wall(tr)}${driverGc(tr)}: ${tr.slice(1).map(([k, t], i) => `${k} +${(t - tr[i][1]).toFixed(1)}`).join(", ")}`);
process.exit(0);
