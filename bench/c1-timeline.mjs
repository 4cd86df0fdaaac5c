// Where one approval round trip at C=1 spends its time, hop by hop, seen from the driver: the harness' own axme adapter
// (as c1-probe.mjs) with node:http instrumented to time each request it sends and each SSE chunk it receives.
// Prints the median time of each mark after the apply was sent, and the median gap between consecutive marks.
//   node bench/c1-timeline.mjs N     (env: AXME_BASE_URL, AXME_API_KEY, AXME_PEERS_LIB = the harness' lib folder)
import http from "node:http";
import { probePeer } from "./probe-peer.mjs";

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
const slow = trips.slice(skip).sort((a, b) => total(b) - total(a)).slice(0, +(process.env.AXME_TIMELINE_SLOWEST ?? 8));
console.log(`the slowest, mark by mark (gap from the mark before, ms):`);
for (const tr of slow)
  console.log(`  ${total(tr).toFixed(1).padStart(6)}: ${tr.slice(1).map(([k, t], i) => `${k} +${(t - tr[i][1]).toFixed(1)}`).join(", ")}`);
process.exit(0);
