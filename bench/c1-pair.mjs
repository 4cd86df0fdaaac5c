// A/B of two nodes at C=1 under the same machine conditions: one driver (the harness' own adapter) alternates approval
// round trips between node A and node B, trip by trip, so the machine's drift (a fifth within minutes here) falls on
// both alike. Prints each node's median, p90 and p99 round trip and the median of the paired differences (B - A).
//   node bench/c1-pair.mjs N URL_A KEY_A URL_B KEY_B      (env: AXME_PEERS_LIB = the harness' lib folder)
import { probePeer } from "./probe-peer.mjs";

const [n, urlA, keyA, urlB, keyB] = [+(process.argv[2] ?? 1000), ...process.argv.slice(3)];
const peers = [[urlA, keyA], [urlB, keyB]].map(([url, key]) =>
  probePeer(1, 64, { ...process.env, AXME_BASE_URL: url, AXME_API_KEY: key }));
for (const peer of peers) await peer.setup();
const tag = Date.now(), times = [[], []];
for (let i = 0; i < n; i++) {
  // A then B on even trips, B then A on odd ones: neither always follows the other.
  for (const p of i % 2 ? [1, 0] : [0, 1]) {
    const id = `${tag}-${p}-${i}`, t = performance.now();
    await peers[p].submit(id, { id, n: i });
    await peers[p].approve(id);
    await peers[p].result(id);
    times[p].push(performance.now() - t);
  }
}
for (const peer of peers) await peer.close();

const skip = Math.min(100, n >> 2); // the first ones warm the path
const q = (xs, f) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * f))];
const [a, b] = times.map((t) => t.slice(skip));
const diff = a.map((x, i) => b[i] - x);
console.log(`${a.length} round trips each at C=1, alternated (the first ${skip} left out), ms:`);
for (const [name, t] of [["A", a], ["B", b]])
  console.log(`  ${name}: p50 ${q(t, 0.5).toFixed(2)}  p90 ${q(t, 0.9).toFixed(2)}  p99 ${q(t, 0.99).toFixed(2)}  mean ${(t.reduce((x, y) => x + y, 0) / t.length).toFixed(2)}`);
console.log(`  B - A, trip by trip: median ${q(diff, 0.5).toFixed(2)}`);
process.exit(0);
