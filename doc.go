// Package authgo is authentication for Go web applications, with the scope
// of Auth.js (NextAuth.js v5) and wire-compatible with it: the same
// /api/auth endpoints, JSON and encrypted session cookies, so a Next.js
// front end, the next-auth/react client and a Go service can share one
// session.
//
// # Setting up
//
// New checks a Config and returns an Auth. A secret (Config.Secret or
// AUTH_SECRET), the public URL of the endpoints (Config.URL or AUTH_URL;
// or TrustHost behind a proxy that sets the Host header) and at least one
// provider are all it needs:
//
//	auth, err := authgo.New(authgo.Config{
//		URL: "https://example.com/api/auth", // or AUTH_URL
//		Providers: []authgo.Provider{
//			providers.Credentials(providers.CredentialsConfig{Authorize: checkPassword}),
//			providers.GitHub(providers.Options{ClientID: id, ClientSecret: secret}),
//		},
//	})
//	mux.Handle("/api/auth/", auth.Handler())
//
// Handler serves the Auth.js endpoints under the base path: the sign-in
// page (/api/auth/signin), GET /api/auth/session, sign-out, the OAuth
// callbacks. Mistakes in the Config fail at New with a *ConfigError that
// says what to set. Without URL or TrustHost, New fails as Auth.js answers
// UntrustedHost: the URLs authgo builds would otherwise follow whatever
// Host header a client sends (Development lifts this for local runs).
//
// # Reading the session
//
// Auth.Session is Auth.js's auth(): it returns the session of a request (nil
// when signed out), refreshing the cookie when it is given a
// ResponseWriter. Middleware reads it once per request, guards whole areas
// (redirect to sign in, or 401 JSON for APIs) and makes it available to
// handlers through Auth.SessionFrom, which tells a signed-out request (a nil
// session) from one no guard saw. RequireAuth and RequireRole check again
// in handlers, without reading the session a second time; roles form a
// hierarchy (viewer < editor < admin by default).
//
// # Signing in from your own forms
//
// Auth.SignIn and Auth.SignOut are the server actions of Auth.js: an app's
// own login handler calls SignIn with the submitted fields and shows the
// typed error it returns (errors.Is(err, ErrCredentialsSignin),
// ErrRateLimited). Failed sign-ins are rate limited per email and per IP.
//
// # Sessions
//
// Sessions are encrypted JWT cookies by default (stateless; the jwt package
// reads and writes them, also on its own) or rows in a database with an
// Adapter (Session.Strategy). Signing out ends the session for good in both:
// a database row is deleted, a JWT session's id is recorded in the
// revocation store (RevocationConfig) so a copied cookie is refused.
// RevokeUserSessions signs a user out everywhere, for both strategies.
// Session.MaxAuthAge bounds how long a session lives after sign-in, however
// often it is read.
package authgo
