// Creates N intents that wait (bench/waiting.sh drives it): half plain intents to an agent nobody serves, each with a
// deadline; half human tasks with one reminder and a later deadline. Every due time lies in [base, base + spread]
// (absolute, epoch ms), so the timers fire at ~N/spread per second once the creates are done.
//   node bench/waiting.mjs N C BASE_MS SPREAD_S      (env: AXME_BASE_URL, AXME_API_KEY)
// Prints one JSON line: {created, errors, seconds, per_s, first_errors}.
import http from "node:http";

const [n, c, base, spread] = process.argv.slice(2).map(Number);
const url = new URL(process.env.AXME_BASE_URL);
const key = process.env.AXME_API_KEY;
const agent = new http.Agent({ keepAlive: true, maxSockets: c });

function post(path, body, idempotencyKey) {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path, method: "POST", agent, headers: {
      "content-type": "application/json", "content-length": Buffer.byteLength(data), "x-api-key": key, "idempotency-key": idempotencyKey } }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d) => (text += d)).on("end", () =>
        res.statusCode === 200 ? resolve(text) : reject(Object.assign(new Error(`${res.statusCode} ${text.slice(0, 200)}`), { status: res.statusCode })));
    });
    req.on("error", reject).end(data);
  });
}

// Spread evenly (not randomly) over [base, base + spread]: the i-th intent's timer is due at base + spread * i / n.
function body(i) {
  const due = base + (spread * 1000 * i) / n;
  if (i % 2 === 0)
    return { intent_type: "bench.waiting.deadline.v1", to_agent: "agent://default/default/bench-nobody", payload: { i },
      deadline_at: new Date(due).toISOString() };
  return { intent_type: "bench.waiting.human.v1", to_agent: "agent://default/default/bench-nobody", payload: { i },
    human_task: { title: `waiting ${i}`, task_type: "approval", assignees: ["bench-approver"] },
    remind_after_seconds: Math.max(1, Math.round((due - Date.now()) / 1000)), max_reminders: 1,
    deadline_at: new Date(base + spread * 1000 + 3600_000).toISOString() };
}

let next = 0, created = 0, errors = 0;
const firstErrors = [];
const t0 = performance.now();
async function worker() {
  for (let i; (i = next++) < n;) {
    for (let attempt = 0; ; attempt++) {
      try { await post("/v1/intents", body(i), `waiting-${i}`); created++; break; } catch (e) {
        if (attempt < 5 && (e.status === 503 || e.status === 429 || e.code === "ECONNRESET")) { await new Promise((r) => setTimeout(r, 500)); continue; }
        errors++; if (firstErrors.length < 5) firstErrors.push(e.message); break;
      }
    }
    if (created % 50000 === 0 && created > 0) console.error(`[waiting] ${created} created, ${(created / ((performance.now() - t0) / 1000)).toFixed(0)}/s`);
  }
}
await Promise.all(Array.from({ length: c }, worker));
const seconds = (performance.now() - t0) / 1000;
console.log(JSON.stringify({ created, errors, seconds: +seconds.toFixed(1), per_s: +(created / seconds).toFixed(1), first_errors: firstErrors }));
agent.destroy();
