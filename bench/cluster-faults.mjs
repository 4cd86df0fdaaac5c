// A node of a three-node cluster killed while N approval round trips are in flight (issue 12 item 4), driven by
// bench/cluster-faults.sh.
//   node bench/cluster-faults.mjs N KILL_AT   (env: AXME_NODES = three base URLs, comma-separated; AXME_API_KEY = an admin
//                                              key; AXME_KILL_PID = the pid of the third node; AXME_IDS_FILE)
// The round trip is the seed's flow (the peers' benchmark): a scenario with an agent step, then a human approval. All N
// start at once, spread over the three nodes. Clients behave as the official ones do: a call refused with 503 (or whose
// connection failed) is retried after Retry-After on the next node, with the same Idempotency-Key. The agent listens
// on all three nodes and resumes with Last-Event-ID on the next node when its stream breaks. Once KILL_AT round trips
// are done, the third node gets SIGKILL. Prints one JSON summary line; the ids of the parent intents go to
// AXME_IDS_FILE for the database checks of cluster-faults.sh.
import http from "node:http";
import { writeFileSync } from "node:fs";

const [N = 1000, KILL_AT = 300] = process.argv.slice(2).map(Number);
const NODES = process.env.AXME_NODES.split(","), ADMIN = process.env.AXME_API_KEY, KILL_PID = +process.env.AXME_KILL_PID;
const AGENT = "three-handler-" + Date.now().toString(36);
const pool = new http.Agent({ keepAlive: true, maxSockets: 512 });
const streams = new http.Agent({ keepAlive: false, maxSockets: Infinity });
const log = (...a) => console.error(`[${new Date().toISOString().slice(11, 19)}]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (xs, p) => { if (!xs.length) return null; const s = [...xs].sort((a, b) => a - b); return Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]); };

let dead = -1, killedAt = 0, last503 = 0;
const s = { requests: 0, refused503: 0, connectionFailures: 0, unexpected: [], streamReconnects: 0,
  delivered: 0, resolved: 0, approvals: 0, alreadyDecided: 0 };

function once(base, method, path, key, body, idem) {
  const data = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve) => {
    const req = http.request(base + path, { method, agent: pool, timeout: 60000, headers: { "x-api-key": key,
      ...(idem ? { "idempotency-key": idem } : {}),
      ...(data ? { "content-type": "application/json", "content-length": Buffer.byteLength(data) } : {}) } }, (res) => {
      let text = ""; res.setEncoding("utf8").on("data", (d) => (text += d)).on("end", () =>
        resolve({ status: res.statusCode, retryAfter: +(res.headers["retry-after"] ?? 1), body: text ? JSON.parse(text) : null }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ status: 0, error: e.message })).end(data);
  });
}

// One call as the official clients make it: retried on the next node after a 503 or a failed connection.
async function call(start, method, path, key, body, idem, ok = (r) => (r.status >= 200 && r.status < 300)) {
  for (let attempt = 0; attempt < 60; attempt++) {
    const node = (start + attempt) % NODES.length;
    if (node === dead) continue;
    s.requests++;
    const r = await once(NODES[node], method, path, key, body, idem);
    if (ok(r)) return r;
    if (r.status === 503) { s.refused503++; if (killedAt) last503 = Date.now(); await sleep(r.retryAfter * 1000); continue; }
    if (r.status === 0) { s.connectionFailures++; await sleep(100); continue; }
    s.unexpected.push(`${method} ${path} -> ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
    return r;
  }
  throw new Error(`${method} ${path}: no node answered`);
}

// An SSE stream that survives its node: a window that ends opens the next on the same node; a broken or refused one
// resumes on the next node with Last-Event-ID.
async function follow(start, path, key, onEvent, stop) {
  let lastId = null, node = start % NODES.length;
  while (!stop()) {
    if (node === dead) node = (node + 1) % NODES.length;
    const status = await new Promise((resolve) => {
      const req = http.request(NODES[node] + path, { agent: streams, headers: { accept: "text/event-stream", "x-api-key": key,
        ...(lastId ? { "last-event-id": lastId } : {}) } }, (res) => {
        if (res.statusCode !== 200) { res.resume(); return resolve(res.statusCode); }
        let buf = "", ev = {};
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          buf += chunk;
          for (let i; (i = buf.indexOf("\n")) >= 0;) {
            const line = buf.slice(0, i); buf = buf.slice(i + 1);
            if (line === "") { if (ev.data !== undefined) { if (ev.id) lastId = ev.id; onEvent(ev.event, JSON.parse(ev.data)); } ev = {}; continue; }
            const c = line.indexOf(":"); if (c === 0) continue;
            ev[line.slice(0, c)] = line.slice(c + 1).replace(/^ /, "");
          }
          if (stop()) req.destroy();
        });
        res.on("end", () => resolve(200)); res.on("close", () => resolve(res.complete || stop() ? 200 : 0));
      });
      req.on("error", () => resolve(stop() ? 200 : 0)).end();
    });
    if (status === 200) continue;
    if (status !== 0 && status !== 503) s.unexpected.push(`GET ${path} -> ${status}`);
    s.streamReconnects++;
    node = (node + 1) % NODES.length;
    await sleep(status === 503 ? 1000 : 100);
  }
}

const bundle = (i) => ({
  scenario_id: "bench.three_node_fault.v1",
  agents: [{ role: "handler", address: AGENT, delivery_mode: "stream", create_if_missing: false }],
  humans: [{ role: "approver", display_name: "bench approver" }],
  workflow: { steps: [
    { step_id: "handle", tool_id: "tool.agent.task.v1", assigned_to: "handler" },
    { step_id: "approval", tool_id: "tool.approval.human_signoff", assigned_to: "approver", human_task: { title: "approve", task_type: "approval" } },
  ] },
  intent: { type: "bench.three_node_fault.v1", payload: { i } },
});

// Setup: the agent (stream delivery) and its key.
const sa = (await call(0, "POST", "/v1/service-accounts", ADMIN, { name: AGENT, delivery_mode: "stream" })).body.service_account;
const agentKey = (await call(0, "POST", `/v1/service-accounts/${sa.service_account_id}/keys`, ADMIN, {})).body.key.token;
let finished = 0, stopping = false;
const handled = new Set();
for (let n = 0; n < NODES.length; n++) {
  follow(n, `/v1/agents/${AGENT}/intents/stream?wait_seconds=30`, agentKey, (event, d) => {
    if (!event?.startsWith("intent.") || !d.intent_id) return;
    s.delivered++;
    if (handled.has(d.intent_id)) return; // another listener has it (replicas of one agent)
    handled.add(d.intent_id);
    call(n, "POST", `/v1/intents/${d.intent_id}/resolve`, agentKey, { status: "COMPLETED", result: { ok: true } }, "resolve-" + d.intent_id,
      (r) => (r.status >= 200 && r.status < 300) || (r.status === 409 && /already_terminal/.test(JSON.stringify(r.body)))).then(() => s.resolved++);
  }, () => stopping);
}
await sleep(1000);

log(`${N} round trips at once over ${NODES.length} nodes; SIGKILL to pid ${KILL_PID} after ${KILL_AT} are done`);
const started = Date.now(), latencies = [], ids = [], after = [], open = new Set();
async function roundTrip(i) {
  const t0 = Date.now(), home = i % NODES.length;
  const applied = await call(home, "POST", "/v1/scenarios/apply", ADMIN, bundle(i), `three-${started}-${i}`);
  const id = applied.body.intent_id; ids.push(id);
  let approved = false, end = null;
  const op = { id, events: [] }; open.add(op);
  await follow(home + 1, `/v1/intents/${id}/events/stream?wait_seconds=60`, ADMIN, (event, d) => {
    op.events.push(`${d.seq}:${d.event_type}`);
    if (!approved && (d.event_type === "intent.human_task_assigned" || d.waiting_reason === "WAITING_FOR_HUMAN")) {
      approved = true;
      call(home + 2, "POST", `/v1/approvals/${id}/decision`, ADMIN, { decision: "approve" }, "approve-" + id,
        (r) => (r.status >= 200 && r.status < 300) || (r.status === 409 && /already_decided/.test(JSON.stringify(r.body))))
        .then((r) => { s.approvals++; op.decision = r.status; if (r.status === 409) s.alreadyDecided++; }, (e) => { op.decision = e.message; });
    }
    if (["COMPLETED", "FAILED", "CANCELED", "TIMED_OUT"].includes(d.status)) end = d.status;
  }, () => end !== null);
  open.delete(op);
  if (end !== "COMPLETED") s.unexpected.push(`intent ${id} ended ${end}`);
  latencies.push(Date.now() - t0);
  if (killedAt) after.push(Date.now() - killedAt);
  if (++finished === KILL_AT && KILL_PID) {
    process.kill(KILL_PID, "SIGKILL"); dead = NODES.length - 1; killedAt = Date.now();
    log(`killed node ${dead} (pid ${KILL_PID}) with ${N - finished} round trips in flight`);
  }
}
// Whatever is not done 5 minutes after the start is reported as stuck (with what its client last saw) instead of hanging.
const ops = Array.from({ length: N }, (_, i) => sleep(i % 50).then(() => roundTrip(i)));
const deadline = sleep(300_000).then(() => "deadline");
if (await Promise.race([Promise.all(ops), deadline]) === "deadline") log(`${N - finished} round trips not done after 5 minutes`);
stopping = true;
writeFileSync(process.env.AXME_IDS_FILE ?? "/dev/null", ids.join("\n") + "\n");
const wall = (Date.now() - started) / 1000;
console.log(JSON.stringify({
  round_trips: N, completed: latencies.length, wall_s: +wall.toFixed(1), per_s: +(N / wall).toFixed(1),
  p50_ms: pct(latencies, 0.5), p99_ms: pct(latencies, 0.99), max_ms: pct(latencies, 1),
  killed_after: KILL_AT, in_flight_at_kill: N - KILL_AT,
  done_after_kill_s: after.length ? +(Math.max(...after) / 1000).toFixed(1) : null,
  last_503_after_kill_s: last503 ? +((last503 - killedAt) / 1000).toFixed(1) : 0,
  ...s, unexpected: s.unexpected.length, first_unexpected: s.unexpected.slice(0, 5),
  stuck: open.size, first_stuck: [...open].slice(0, 5),
}));
process.exit(0);
