// The submit-only phase of the peers' harness on its own, for as long as a profile needs: N scenario applies
// (agent step, then human approval) at concurrency C with the harness' own axme adapter, whose agent listener
// resolves each step as the node delivers it (as in the harness' submit-only phase); nothing is approved, so the
// parents stay waiting for their human step. Prints submits/s and the agent steps resolved meanwhile.
//   node bench/submit-probe.mjs N C     (env: AXME_BASE_URL, AXME_API_KEY, AXME_PEERS_LIB = the harness' lib folder)
import { probePeer } from "./probe-peer.mjs";

const [n, c] = [+(process.argv[2] ?? 20000), +(process.argv[3] ?? 32)];
const peer = probePeer(c, 1024);
await peer.setup();
const tag = Date.now();
let next = 0, errors = 0;
const t0 = performance.now();
await Promise.all(Array.from({ length: c }, async () => {
  for (let i; (i = next++) < n;) {
    try { await peer.submit(`${tag}-${i}`, { id: `${tag}-${i}`, n: i }); } catch (e) { if (errors++ < 3) console.error(e.message); }
  }
}));
const s = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ submits: n, errors, seconds: +s.toFixed(2), per_s: +(n / s).toFixed(1), adapter: peer.stats() }));
await peer.close();
process.exit(0);
