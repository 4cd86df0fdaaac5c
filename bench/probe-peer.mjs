// The harness' own axme adapter (../shared/bench/peers/lib/axme.mjs, from the writable copy bench/node-probe.sh makes)
// with a keep-alive JSON client, for the probes that drive it directly (c1-probe.mjs, submit-probe.mjs).
// Env: AXME_BASE_URL, AXME_API_KEY (or the env given), AXME_PEERS_LIB = the harness' lib folder.
import http from "node:http";
import { pathToFileURL } from "node:url";
import { join } from "node:path";

const { axme } = await import(pathToFileURL(join(process.env.AXME_PEERS_LIB, "axme.mjs")).href);

export function probePeer(concurrency, maxSockets, env = process.env) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  function request(method, url, body, headers) {
    const data = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method, agent, headers: {
        ...(data === undefined ? {} : { "content-type": "application/json", "content-length": Buffer.byteLength(data) }), ...headers } }, (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (d) => (text += d)).on("end", () => {
          if (res.statusCode >= 300) reject(Object.assign(new Error(`${method} ${url} -> ${res.statusCode} ${text.slice(0, 200)}`), { status: res.statusCode, body: text }));
          else resolve(text ? JSON.parse(text) : null);
        });
      });
      req.on("error", reject).end(data);
    });
  }
  return axme({ request, agent, log: console.error, timeoutMs: 60000, concurrency, env });
}
