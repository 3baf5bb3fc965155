// Package serve is `authgo serve`: authgo as a standalone auth server for
// apps in any language behind nginx, Caddy, Traefik or Envoy.
//
// The server answers Auth.js's endpoints under the base path (sign-in
// pages, OAuth callbacks, sessions) and a forward-auth endpoint, GET
// <base>/verify, that a reverse proxy calls before each request to a
// protected app: 200 with identity headers when the session and the access
// rules allow it, 401 or a redirect to the sign-in page without a session,
// 403 when a rule denies it, 503 when a store it needs is down (fail
// closed). /healthz, /readyz and /metrics serve operations.
//
// Configuration comes from Auth.js's environment variables (AUTH_SECRET,
// AUTH_URL, AUTH_<PROVIDER>_ID/SECRET/ISSUER, …), AUTHGO_DATABASE_URL and
// AUTHGO_REDIS_URL, and an optional YAML or TOML file (File) for what
// environment variables cannot say well: rules, users, identity headers.
package serve
