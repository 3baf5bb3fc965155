// Times @auth/core's own encode and decode of an Auth.js session token with
// the default claims, for bench/authjs-compare. It is copied next to the
// pinned node_modules and run there; it prints one JSON object with, for each
// operation, the best wall-clock and CPU nanoseconds per call over several
// rounds.
import { encode, decode } from "@auth/core/jwt";

const secret = "test-secret-0123456789abcdef0123456789abcdef";
const salt = "authjs.session-token";
const claims = {
  name: "Ada Lovelace",
  email: "ada@example.com",
  picture: "https://avatars.example.com/u/1?v=4",
  sub: "2b0b6a7c-3f51-4b8e-9a51-2f3f3c1c6d1e",
};
const rounds = Number(process.env.ROUNDS || 5);
const iterations = Number(process.env.ITERATIONS || 2000);

async function time(fn) {
  for (let i = 0; i < iterations / 4; i++) await fn(); // warm up the JIT
  let wall = Infinity, cpu = Infinity;
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) await fn();
    const t1 = process.hrtime.bigint();
    const c1 = process.cpuUsage(c0);
    wall = Math.min(wall, Number(t1 - t0) / iterations);
    cpu = Math.min(cpu, ((c1.user + c1.system) * 1000) / iterations);
  }
  return { wall, cpu };
}

const token = await encode({ token: claims, secret, salt, maxAge: 3600 });
const check = await decode({ token, secret, salt });
if (check?.sub !== claims.sub) throw new Error("core could not decode its own token");

const out = {
  decode: await time(() => decode({ token, secret, salt })),
  encode: await time(() => encode({ token: claims, secret, salt, maxAge: 3600 })),
};
console.log(JSON.stringify(out));
