// Package demo is the app behind `authgo demo`: a small, complete web app
// that uses authgo the way the Auth.js articles build theirs — a readable
// example to copy from.
//
// Where to look:
//
//	app.go       New: the one authgo.New call (the auth.ts of the
//	             articles) and routes, which shows the layers: authgo's
//	             /api/auth handler, Middleware guarding whole areas, the
//	             cross-origin check, and handlers that check again
//	users.go     authorize, the credentials provider's Authorize: validate,
//	             look the user up, verify the argon2id hash, the same answer
//	             and time for an unknown email; seeding the demo users
//	pages.go     the custom /login page whose form handler calls
//	             auth.SignIn and turns its typed errors into messages;
//	             sign-out; dashboard, editor, admin, unauthorized
//	emailsignin.go "Email me a sign-in link": the email provider (SMTP
//	             with --smtp, else an in-memory mailbox at /dev/mailbox,
//	             loopback only), the form handler calling auth.SignIn, and
//	             the viewer role of users who sign up by email or OAuth
//	settings.go  the user's sessions and "sign out everywhere"
//	useragent.go "Chrome on Linux" for a session's User-Agent
//	posts.go     posts as pages and as a JSON API, each mutation checking
//	             authentication, authorization, input, then writing
//	validate.go  email normalisation (NFKC, trim, lower-case), password and
//	             post bounds, field errors
//	store.go     the app's own tables beside authgo's in one SQLite file
//	run.go       flags, the address taken before anything is printed or
//	             created, secret and password, graceful shutdown
//
// Data lives in one SQLite file (authgo's users, accounts and sessions
// tables, authgo_passwords, and the demo's demo_posts), created on first
// start. Users sign in through authgo's password accounts
// (providers.Password): argon2id hashes in authgo_passwords, sign-up at
// /signup, "Forgot password?", verification by link or code, and the
// settings page's profile, password, email and delete sections.
//
// Roles come only from the session — the token or the user record — so a
// "role" in a request body or header changes nothing. Forms carry authgo's
// csrfToken, checked with auth.VerifyCSRF; the JSON API relies on the
// cross-origin check (Origin / Sec-Fetch-Site), which browsers cannot forge.
package demo
