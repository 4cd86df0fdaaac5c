// Submit-only applies at concurrency C (the harness' axme adapter, its agent answering each step), timed in windows
// of W applies: whether a short phase runs slower than a long one, and where.
//   node bench/submit-windows.mjs N C W [RT]   (env: AXME_BASE_URL, AXME_API_KEY, AXME_PEERS_LIB)
// RT: that many approval round trips at C first, from the same driver (as the harness' submit-only phase follows its
// round-trip phase), so the driver and the agent's listener are warm when the applies start.
import { probePeer } from "./probe-peer.mjs";

const [n, c, w, rt] = [+(process.argv[2] ?? 10000), +(process.argv[3] ?? 32), +(process.argv[4] ?? 1000), +(process.argv[5] ?? 0)];
const peer = probePeer(c, 1024);
await peer.setup();
const tag = Date.now();
let trip = 0;
await Promise.all(Array.from({ length: c }, async () => {
  for (let i; (i = trip++) < rt;) {
    const id = `${tag}-rt-${i}`;
    await peer.submit(id, { id, n: i });
    await Promise.all([peer.approve(id), peer.result(id)]);
  }
}));
let next = 0, done = 0, errors = 0;
const t0 = performance.now(), marks = [];
await Promise.all(Array.from({ length: c }, async () => {
  for (let i; (i = next++) < n;) {
    try { await peer.submit(`${tag}-${i}`, { id: `${tag}-${i}`, n: i }); } catch (e) { if (errors++ < 3) console.error(e.message); }
    if (++done % w === 0) marks.push(performance.now());
  }
}));
let prev = t0;
console.log(marks.map((m) => { const r = (w / ((m - prev) / 1000)).toFixed(0); prev = m; return r; }).join(" "), `errors ${errors}`);
await peer.close();
process.exit(0);
