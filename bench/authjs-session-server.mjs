// Auth.js (@auth/core, as pinned in internal/testenv/package.json) behind
// node:http, for bench/http-compare: it answers GET /api/auth/session (and
// every other Auth.js route) with JWT sessions and the secret in
// AUTH_SECRET, so it reads the session cookie the authgo bench server set.
// It is copied next to the pinned node_modules and run there. It listens
// on 127.0.0.1 (PORT, default 0: a free port), prints
// "listening http://127.0.0.1:PORT" once it accepts connections, and exits
// after MAX_LIFE_MS (default ten minutes) in any case.
import { createServer } from "node:http";
import { Auth } from "@auth/core";
import Credentials from "@auth/core/providers/credentials";

const secret = process.env.AUTH_SECRET;
if (!secret) {
  console.error("authjs-session-server: AUTH_SECRET is not set");
  process.exit(2);
}

const config = {
  secret,
  trustHost: true,
  basePath: "/api/auth",
  session: { strategy: "jwt" },
  // Sign-in happens at the authgo server; this provider only makes the
  // configuration one that Auth.js accepts.
  providers: [Credentials({ credentials: { email: {}, password: {} }, authorize: async () => null })],
  logger: { debug() {}, warn() {}, error: (e) => console.error("auth.js:", e?.message ?? e) },
};

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

// toRequest turns a node:http request into the Web Request Auth() takes,
// as the framework integrations of Auth.js do.
async function toRequest(req) {
  const url = new URL(req.url, `http://${req.headers.host}`);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (Array.isArray(v)) for (const x of v) headers.append(k, x);
    else if (v !== undefined) headers.set(k, v);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, { method: req.method, headers, body: hasBody ? await readBody(req) : undefined });
}

const server = createServer(async (req, res) => {
  try {
    const response = await Auth(await toRequest(req), config);
    const out = {};
    response.headers.forEach((v, k) => {
      if (k !== "set-cookie") out[k] = v;
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length > 0) out["set-cookie"] = cookies;
    res.writeHead(response.status, out);
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (e) {
    console.error("authjs-session-server:", e?.message ?? e);
    res.writeHead(500);
    res.end();
  }
});

server.keepAliveTimeout = 30_000;
server.listen(Number(process.env.PORT || 0), "127.0.0.1", () => {
  console.log(`listening http://127.0.0.1:${server.address().port}`);
});
setTimeout(() => process.exit(0), Number(process.env.MAX_LIFE_MS || 600_000)).unref();
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(0));
