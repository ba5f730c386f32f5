// A pass-through between Prism and the API (.ci/contract.sh: workflow -> Prism --errors -> tap -> API).
// With --errors, Prism replaces an answer that breaks the spec by its own 500, so the workflow would lose the id it
// needs for the next step and the gate would report only the first violation of each chain. The tap keeps the
// API's last answer to each request (keyed by the workflow's X-Gate-Request header) for the workflow to fetch
// once, at GET /__gate/<key>, after it has recorded Prism's verdict. It keeps answers in memory only, never logs
// them, and listens on loopback only.
//
// Usage: node tap.js <port> <api base url>
import { createServer, request, type IncomingHttpHeaders } from "node:http";

interface Kept {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const [port, upstream] = process.argv.slice(2);
if (!port || !upstream) {
  console.error("usage: node tap.js <port> <api base url>");
  process.exit(2);
}
const api = new URL(upstream);
// The body is sent whole, so the hop-by-hop framing of the API's answer does not apply to it.
const framed = (headers: IncomingHttpHeaders, body: Buffer): IncomingHttpHeaders => {
  const { "transfer-encoding": _chunked, connection: _connection, "keep-alive": _keepAlive, ...rest } = headers;
  return { ...rest, "content-length": String(body.length) };
};
const kept = new Map<string, Kept>();
const keepAtMost = 500;

createServer((incoming, outgoing) => {
  const url = incoming.url ?? "/";
  if (url.startsWith("/__gate/")) {
    const answer = kept.get(decodeURIComponent(url.slice("/__gate/".length)));
    if (!answer) {
      outgoing.writeHead(404).end();
      return;
    }
    kept.delete(decodeURIComponent(url.slice("/__gate/".length)));
    outgoing.writeHead(answer.status, { ...framed(answer.headers, answer.body), "x-gate-kept": "1" }).end(answer.body);
    return;
  }

  const key = incoming.headers["x-gate-request"];
  const forward = request(
    { host: api.hostname, port: api.port, method: incoming.method, path: url, headers: { ...incoming.headers, host: api.host } },
    (answer) => {
      const chunks: Buffer[] = [];
      answer.on("data", (chunk: Buffer) => chunks.push(chunk));
      answer.on("end", () => {
        const body = Buffer.concat(chunks);
        if (typeof key === "string") {
          if (kept.size >= keepAtMost) kept.clear();
          kept.set(key, { status: answer.statusCode ?? 502, headers: answer.headers, body });
        }
        outgoing.writeHead(answer.statusCode ?? 502, framed(answer.headers, body)).end(body);
      });
    },
  );
  forward.on("error", (error) => outgoing.writeHead(502, { "content-type": "text/plain" }).end(`tap: ${error.message}`));
  incoming.pipe(forward);
}).listen(Number(port), "127.0.0.1");
