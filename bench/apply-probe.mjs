// The accept path alone: N scenario applies (the peers harness' bundle: an agent step, then a human approval) at
// concurrency C, to a stream agent nobody listens to, so no step runs meanwhile (unlike the harness' submit-only phase,
// whose agent resolves every step on the same cores). Prints applies/s.
//   node bench/apply-probe.mjs N C     (env: AXME_BASE_URL, AXME_API_KEY = an admin key; AXME_APPLY_MODE=start registers
//                                       the bundle once and starts it by id, POST /v1/scenarios/{id}/start {payload}, docs/adr/021)
import http from "node:http";

const [n, c] = [+(process.argv[2] ?? 20000), +(process.argv[3] ?? 32)];
const base = process.env.AXME_BASE_URL, key = process.env.AXME_API_KEY;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1024 });
function post(path, body, headers) {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, { method: "POST", agent, headers: {
      "content-type": "application/json", "content-length": Buffer.byteLength(data), "x-api-key": key, ...headers } }, (res) => {
      let t = "";
      res.setEncoding("utf8").on("data", (d) => (t += d))
        .on("end", () => (res.statusCode >= 300 ? reject(new Error(`${path} -> ${res.statusCode} ${t.slice(0, 200)}`)) : resolve(t)));
    });
    req.on("error", reject).end(data);
  });
}
const bundle = (p) => ({
  scenario_id: "bench.approval_round_trip.v1",
  agents: [{ role: "handler", address: "apply-probe-handler", delivery_mode: "stream", create_if_missing: true }],
  humans: [{ role: "approver", display_name: "bench approval driver" }],
  workflow: { steps: [
    { step_id: "handle", tool_id: "tool.agent.task.v1", assigned_to: "handler" },
    { step_id: "approval", tool_id: "tool.approval.human_signoff", assigned_to: "approver", human_task: { title: "bench approval", task_type: "approval" } },
  ] },
  intent: { type: "bench.approval.v1", payload: p },
});
const tag = Date.now();
let next = 0, errors = 0;
const byId = process.env.AXME_APPLY_MODE === "start";
await post("/v1/scenarios/apply", bundle({ first: true }), { "idempotency-key": `${tag}-first` }); // provisions the agent
if (byId) await post("/v1/scenarios", bundle({}), {});
const submit = byId
  ? (p, key) => post("/v1/scenarios/bench.approval_round_trip.v1/start", { payload: p }, { "idempotency-key": key })
  : (p, key) => post("/v1/scenarios/apply", bundle(p), { "idempotency-key": key });
const t0 = performance.now();
await Promise.all(Array.from({ length: c }, async () => {
  for (let i; (i = next++) < n;) {
    try { await submit({ id: `${tag}-${i}`, n: i }, `${tag}-${i}`); }
    catch (e) { if (errors++ < 3) console.error(e.message); }
  }
}));
const s = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ mode: byId ? "start" : "apply", applies: n, errors, seconds: +s.toFixed(2), per_s: +(n / s).toFixed(1) }));
process.exit(0);
