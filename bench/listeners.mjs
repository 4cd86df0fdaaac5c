// Many live SSE listeners on one node (issue 12 item 2), driven by bench/listeners.sh.
//   node bench/listeners.mjs N HOLD_S RATE        (env: AXME_BASE_URL, AXME_API_KEY = an admin key, AXME_NODE_PID)
// 1. Accounts: INTENT_KEYS accounts whose keys watch intents, AGENTS accounts (agents) whose keys run agent streams.
// 2. N/2 intent streams (each on its own waiting intent, to an agent nobody serves) and N/2 agent streams (N/2/AGENTS
//    listeners per agent, as replicas of one agent), all opened with wait_seconds=60; a listener whose window ends
//    reconnects with Last-Event-ID. Node RSS before and after: memory per connection.
// 3. EXTRA more streams: every one must be refused 503 too_many_streams with Retry-After (the node holds MaxStreams).
// 4. HOLD_S seconds of load: RATE intents a second are resolved (a random watched one); commit -> event latency on its
//    listener (from the resolve request, and from its answer); the finished stream is replaced by a new intent and
//    stream. Every 100 ms an intent is sent to a random agent: send -> intent.delivered on one of its listeners. Every
//    byte a listener receives (events, keepalive comments) counts for the keepalive gaps.
// Prints one JSON summary line on stdout.
import http from "node:http";
import { readFileSync } from "node:fs";

const [N = 10000, HOLD_S = 120, RATE = 100] = process.argv.slice(2).map(Number);
const BASE = process.env.AXME_BASE_URL, ADMIN = process.env.AXME_API_KEY, PID = process.env.AXME_NODE_PID;
const EXTRA = +(process.env.AXME_LISTEN_EXTRA ?? 50), AGENTS = +(process.env.AXME_LISTEN_AGENTS ?? 100);
const INTENT_KEYS = Math.max(1, Math.ceil(N / 2 / 800));
const WS = "l" + Date.now().toString(36);
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 256 });
const streams = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const log = (...a) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a);
const rssMb = () => PID ? +(readFileSync(`/proc/${PID}/status`, "utf8").match(/VmRSS:\s+(\d+)/)[1] / 1024).toFixed(1) : null;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => { if (!xs.length) return null; const s = [...xs].sort((a, b) => a - b); return +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(1); };

function call(method, path, key, body) {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(BASE + path, { method, agent: keepAlive, headers: { "x-api-key": key,
      ...(data ? { "content-type": "application/json", "content-length": Buffer.byteLength(data) } : {}) } }, (res) => {
      let text = ""; res.setEncoding("utf8").on("data", (d) => (text += d)).on("end", () =>
        res.statusCode >= 300 ? reject(new Error(`${method} ${path} -> ${res.statusCode} ${text.slice(0, 200)}`)) : resolve(text ? JSON.parse(text) : null));
    });
    req.on("error", reject).end(data);
  });
}

async function account(name) {
  const sa = (await call("POST", "/v1/service-accounts", ADMIN, { org_id: "bench", workspace_id: WS, name })).service_account;
  const key = (await call("POST", `/v1/service-accounts/${sa.service_account_id}/keys`, ADMIN, {})).key.token;
  return { name, key, address: sa.agent_address };
}

// One listener: keeps its stream open across windows (Last-Event-ID), reports events and byte arrival times.
const stats = { opened: 0, refused503: 0, retryAfter: 0, otherErrors: 0, reconnects: 0, gaps: [], maxGap: 0 };
let holding = false;
class Listener {
  constructor(path, key, onEvent) { Object.assign(this, { path, key, onEvent, last: null, closed: false }); }
  open() {
    return new Promise((resolve) => {
      const headers = { accept: "text/event-stream", "x-api-key": this.key, ...(this.last ? { "last-event-id": this.last } : {}) };
      const req = http.request(BASE + this.path, { agent: streams, headers }, (res) => {
        if (res.statusCode !== 200) {
          if (res.statusCode === 503) { stats.refused503++; if (res.headers["retry-after"]) stats.retryAfter++; } else stats.otherErrors++;
          res.resume(); this.closed = true; return resolve(res.statusCode);
        }
        stats.opened++; resolve(200);
        let buf = "", at = Date.now(), ev = {};
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          const now = Date.now();
          if (holding) { const gap = now - at; stats.maxGap = Math.max(stats.maxGap, gap); if (gap > 1000) stats.gaps.push(gap); }
          at = now; buf += chunk;
          for (let i; (i = buf.indexOf("\n")) >= 0;) {
            const line = buf.slice(0, i); buf = buf.slice(i + 1);
            if (line === "") { if (ev.data !== undefined) { if (ev.id) this.last = ev.id; this.onEvent(ev, now, this); } ev = {}; continue; }
            const c = line.indexOf(":"); if (c === 0) continue;
            const f = line.slice(0, c), v = line.slice(c + 1).replace(/^ /, "");
            if (f === "data") ev.data = (ev.data ?? "") + v; else ev[f] = v;
          }
        });
        res.on("end", () => { if (!this.closed) { stats.reconnects++; this.open(); } });
        res.on("error", () => {});
      });
      req.on("error", () => { stats.otherErrors++; resolve(0); });
      req.end();
    });
  }
  close() { this.closed = true; }
}

const watchers = [], latencySent = [], latencyAnswered = [], agentLatency = [];
const pendingResolve = new Map(); // intent id -> {sent, answered}
const pendingDelivery = new Map(); // intent id -> sent
// Deliveries that reached a stream before their create's answer reached the driver (the node delivers right after the
// commit): counted when the answer comes, instead of waiting for a redelivery.
const arrivedEarly = new Map(); // intent id -> received

async function watch(acct) {
  const id = (await call("POST", "/v1/intents", acct.key, { intent_type: "intent.bench.listen.v1", to_agent: "nobody", payload: { w: watchers.length } })).intent_id;
  const l = new Listener(`/v1/intents/${id}/events/stream?since=0&wait_seconds=60`, acct.key, (ev, now, self) => {
    if (ev.event !== "intent.completed") return;
    const p = pendingResolve.get(id); pendingResolve.delete(id);
    if (p) { latencySent.push(now - p.sent); if (p.answered) latencyAnswered.push(Math.max(0, now - p.answered)); else p.eventAt = now; }
    self.close();
    const i = watchers.indexOf(entry); if (i >= 0) watchers.splice(i, 1);
    if (holding) watch(acct).catch(() => stats.otherErrors++);
  });
  const entry = { id, acct, l };
  watchers.push(entry);
  return l.open();
}

async function inBatches(n, size, fn) { for (let i = 0; i < n; i += size) await Promise.all(Array.from({ length: Math.min(size, n - i) }, (_, j) => fn(i + j))); }

const intentAccts = [], agentAccts = [];
// The run's workspace, in organization "bench" (made by the first run; a workspace must exist before its accounts).
await call("POST", "/v1/organizations", ADMIN, { org_id: "bench", name: "bench" }).catch((e) => { if (!/-> 409 /.test(e.message)) throw e; });
await call("POST", "/v1/organizations/bench/workspaces", ADMIN, { workspace_id: WS, name: WS, environment: "sandbox" });
for (let i = 0; i < INTENT_KEYS; i++) intentAccts.push(await account(`watcher-${i}`));
for (let i = 0; i < AGENTS; i++) agentAccts.push(await account(`agent-${i}`));
for (const a of agentAccts) {
  const name = a.address.slice(a.address.lastIndexOf("/") + 1);
  const agent = (await call("GET", `/v1/agents/${name}`, a.key)).agent;
  if (agent?.delivery_mode !== "stream") await call("PUT", `/v1/agents/${name}/delivery`, a.key, { delivery_mode: "stream" });
  a.short = name;
}
const rss0 = rssMb();
log(`accounts ready (${INTENT_KEYS} watcher keys, ${AGENTS} agents); node RSS ${rss0} MB; opening ${N} streams`);
const t0 = Date.now();
await inBatches(Math.floor(N / 2), 200, (i) => watch(intentAccts[i % INTENT_KEYS]));
const agentListeners = [];
await inBatches(N - Math.floor(N / 2), 200, (i) => {
  const a = agentAccts[i % AGENTS];
  const l = new Listener(`/v1/agents/${a.short}/intents/stream?since=0&wait_seconds=60`, a.key, (ev, now) => {
    if (ev.event !== "intent.delivered") return;
    const id = JSON.parse(ev.data).intent_id, sent = pendingDelivery.get(id);
    if (sent !== undefined) { pendingDelivery.delete(id); agentLatency.push(now - sent); } else if (!arrivedEarly.has(id)) arrivedEarly.set(id, now);
  });
  agentListeners.push(l);
  return l.open();
});
const openSeconds = (Date.now() - t0) / 1000;
await sleep(10000);
const rss1 = rssMb();
log(`opened ${stats.opened} (${stats.refused503} refused, ${stats.otherErrors} errors) in ${openSeconds.toFixed(1)} s; node RSS ${rss1} MB`);

const before503 = stats.refused503, beforeRetry = stats.retryAfter;
await inBatches(EXTRA, 50, (i) => new Listener(`/v1/agents/${agentAccts[i % AGENTS].short}/intents/stream?wait_seconds=60`, agentAccts[i % AGENTS].key, () => {}).open());
const shed = { tried: EXTRA, refused503: stats.refused503 - before503, withRetryAfter: stats.retryAfter - beforeRetry };
log(`past the limit: ${JSON.stringify(shed)}`);

log(`holding ${HOLD_S} s: ${RATE} completions/s on intent streams, 10 deliveries/s on agent streams`);
holding = true;
const end = Date.now() + HOLD_S * 1000;
let resolved = 0, sentToAgents = 0;
const resolver = (async () => {
  for (let next = Date.now(); Date.now() < end; next += 1000 / RATE) {
    await sleep(Math.max(0, next - Date.now()));
    const w = watchers[Math.floor(Math.random() * watchers.length)];
    if (!w || pendingResolve.has(w.id)) continue;
    const p = { sent: Date.now() }; pendingResolve.set(w.id, p); resolved++;
    call("POST", `/v1/intents/${w.id}/resolve`, w.acct.key, { status: "COMPLETED", result: { ok: true } })
      .then(() => { p.answered = Date.now(); if (p.eventAt) latencyAnswered.push(Math.max(0, p.eventAt - p.answered)); })
      .catch(() => stats.otherErrors++);
  }
})();
const sender = (async () => {
  for (let next = Date.now(); Date.now() < end; next += 100) {
    await sleep(Math.max(0, next - Date.now()));
    const a = agentAccts[Math.floor(Math.random() * AGENTS)];
    const sent = Date.now(); sentToAgents++;
    call("POST", "/v1/intents", a.key, { intent_type: "intent.bench.listen.v1", to_agent: a.short, payload: { sent } })
      .then((r) => {
        const early = arrivedEarly.get(r.intent_id);
        if (early === undefined) pendingDelivery.set(r.intent_id, sent);
        else { arrivedEarly.delete(r.intent_id); agentLatency.push(early - sent); }
      }).catch(() => stats.otherErrors++);
  }
})();
await Promise.all([resolver, sender]);
await sleep(3000);
holding = false;
const rss2 = rssMb();
console.log(JSON.stringify({
  n: N, open_s: +openSeconds.toFixed(1), opened: stats.opened, rss_before_mb: rss0, rss_open_mb: rss1, rss_after_hold_mb: rss2,
  kb_per_connection: rss0 && rss1 ? +(((rss1 - rss0) * 1024) / N).toFixed(1) : null, shed,
  hold_s: HOLD_S, completions: resolved, completion_events: latencySent.length, missing_completion_events: pendingResolve.size,
  commit_to_event_ms: { from_request: { p50: pct(latencySent, 0.5), p99: pct(latencySent, 0.99), max: pct(latencySent, 1) },
    from_answer: { p50: pct(latencyAnswered, 0.5), p99: pct(latencyAnswered, 0.99), max: pct(latencyAnswered, 1) } },
  agent_deliveries: { sent: sentToAgents, received: agentLatency.length, missing: pendingDelivery.size,
    send_to_delivered_ms: { p50: pct(agentLatency, 0.5), p99: pct(agentLatency, 0.99), max: pct(agentLatency, 1) } },
  keepalive: { max_gap_ms: stats.maxGap, gaps_over_1s: stats.gaps.length, gap_p99_ms: pct(stats.gaps, 0.99) },
  reconnects: stats.reconnects, errors: stats.otherErrors,
}));
process.exit(0);
