package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/authgo/authgo"
	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/adapter/sql/sqlite"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/mfa"
	"github.com/authgo/authgo/passkey"
	"github.com/authgo/authgo/providers"
)

// Config configures the demo app. Only DBPath, Secret and Password are
// required.
type Config struct {
	// DBPath is the SQLite file that holds users, sessions and posts. It is
	// created, with its tables, on first start.
	DBPath string
	// Strategy is where sessions live: authgo.StrategyJWT (default) or
	// authgo.StrategyDatabase.
	Strategy authgo.SessionStrategy
	// Secret is the AUTH_SECRET: 32 or more random bytes.
	Secret string
	// Password is the password of the three seeded users. It is stored
	// (hashed) when the users are created; an existing file keeps the
	// password it was created with unless ResetPasswords is set.
	Password string
	// ResetPasswords sets the password of the seeded users to Password
	// even when the database already has them.
	ResetPasswords bool
	// LookupEnv reads the environment for OAuth providers
	// (AUTH_GITHUB_ID, ...). Default: none.
	LookupEnv func(string) (string, bool)
	// Logger receives the app's and authgo's log lines. Default: discard.
	Logger *slog.Logger
	// SMTPURL is the mail server of email sign-in, as email.ParseSMTPURL
	// reads it (smtp://user:pass@host:587, smtps://…). Default "": mail is
	// kept in memory and shown at /dev/mailbox (emailsignin.go).
	SMTPURL string
	// MailFrom is the sender of the demo's mail. Default defaultMailFrom.
	MailFrom string
	// AdminTwoFactor makes admins use a second factor (the policy hook of
	// TwoFactorConfig.Required: an admin without one sets it up at the
	// next sign-in). authgo demo sets it. Default false.
	AdminTwoFactor bool
}

// App is the demo app: an http.Handler over its pages, its JSON API and
// authgo's /api/auth endpoints. Close it to close the database.
type App struct {
	auth    *authgo.Auth
	db      *authsql.Adapter
	store   *store
	views   *views
	log     *slog.Logger
	mail    *email.Memory // the /dev/mailbox; nil with Config.SMTPURL
	smtp    string        // Config.SMTPURL without its password
	handler http.Handler
	now     func() time.Time

	strategy authgo.SessionStrategy

	// Seeded is true when this start created the demo users.
	Seeded bool
	// StalePasswords lists the seeded users whose stored password is not
	// Config.Password (the file was created with another one).
	StalePasswords []string
}

// New opens (or creates) the database, seeds the demo users on first start
// and returns the app. The whole authgo set-up is the authgo.New call in
// the middle; the rest is the app's own.
func New(ctx context.Context, cfg Config) (*App, error) {
	if cfg.DBPath == "" {
		return nil, errors.New("demo: no database path")
	}
	if cfg.Strategy == "" {
		cfg.Strategy = authgo.StrategyJWT
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.LookupEnv == nil {
		cfg.LookupEnv = func(string) (string, bool) { return "", false }
	}

	// authgo's SQL adapter creates its tables (users, accounts, sessions,
	// ...) in the file; the demo adds its own two beside them.
	db, err := sqlite.Open(ctx, cfg.DBPath, authsql.Options{})
	if err != nil {
		return nil, fmt.Errorf("demo: open %s: %w", cfg.DBPath, err)
	}
	app := &App{db: db, log: log, now: time.Now, strategy: cfg.Strategy}
	fail := func(err error) (*App, error) {
		db.Close()
		return nil, err
	}
	if app.store, err = newStore(ctx, db); err != nil {
		return fail(fmt.Errorf("demo: %w", err))
	}
	if app.views, err = newViews(); err != nil {
		return fail(fmt.Errorf("demo: %w", err))
	}

	// OAuth providers configured in the environment (AUTH_GITHUB_ID and
	// AUTH_GITHUB_SECRET, AUTH_OIDC_ISSUER/ID/SECRET, ...) appear on the
	// login page beside the password form.
	fromEnv, err := providers.FromEnv(cfg.LookupEnv)
	if err != nil {
		return fail(fmt.Errorf("demo: %w", err))
	}
	// "Email me a sign-in link" (emailsignin.go).
	emailSignIn, err := app.emailProvider(cfg.SMTPURL, cfg.MailFrom)
	if err != nil {
		return fail(fmt.Errorf("demo: %w", err))
	}

	// The auth.ts of the articles: providers, storage, session strategy,
	// where the guards send people.
	app.auth, err = authgo.New(authgo.Config{
		Secret: []string{cfg.Secret},
		// The demo runs on the developer's machine, reached by whatever
		// host name they type: the origin comes from the Host header
		// (AUTH_URL, if set, fixes it instead).
		Development: true,
		Providers: append([]authgo.Provider{
			// Password accounts (account.go), mailing as email sign-in does.
			passwordProvider(emailSignIn.(authgo.EmailProvider).EmailOptions()),
			emailSignIn,
			passkey.Provider(passkey.Config{}),
		}, fromEnv...),
		// New users, by email or OAuth, get the lowest role.
		Adapter: signUps{db},
		Session: authgo.SessionConfig{Strategy: cfg.Strategy},
		Pages:   authgo.Pages{SignIn: "/login"},
		Access: authgo.AccessConfig{
			SignInPage:       "/login",
			UnauthorizedPage: "/unauthorized",
		},
		// Two-factor authentication (twofactor.go): every user may turn
		// it on in the settings; admins must.
		TwoFactor: authgo.TwoFactorConfig{TOTP: mfa.TOTP{}, Required: app.twoFactorRequired(cfg.AdminTwoFactor)},
		Callbacks: app.callbacks(), // update({name}) renames (account.go)
		Logger:    log,
		LookupEnv: cfg.LookupEnv,
	})
	if err != nil {
		return fail(err)
	}
	if err := app.seed(ctx, cfg.Password, cfg.ResetPasswords); err != nil {
		return fail(fmt.Errorf("demo: seed users: %w", err))
	}
	app.handler = app.routes()
	return app, nil
}

// ServeHTTP serves the app.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.handler.ServeHTTP(w, r) }

// Close closes the database.
func (a *App) Close() error { return a.db.Close() }

// routes wires every URL of the app. Reading it top-down shows the layers
// of the articles: the auth endpoints; the middleware that reads the
// session once and guards whole areas (the "proxy"); then handlers that
// check again, by role or ownership, before they act.
func (a *App) routes() http.Handler {
	app := http.NewServeMux()

	// Pages (pages.go).
	app.HandleFunc("GET /{$}", a.home)
	app.HandleFunc("GET /login", a.loginPage)
	app.HandleFunc("POST /login", a.login)
	app.HandleFunc("GET /signup", a.signUp)
	app.HandleFunc("POST /login/email", a.emailMe)
	app.HandleFunc("GET /dev/mailbox", a.mailboxPage)
	app.HandleFunc("GET /dev/mailbox/{seq}", a.mailboxHTML)
	app.HandleFunc("POST /signout", a.signOut)
	app.Handle("GET /dashboard", a.auth.RequireAuth(http.HandlerFunc(a.dashboard)))
	app.Handle("GET /editor", a.auth.RequireRole("editor")(http.HandlerFunc(a.editor)))
	app.Handle("GET /admin", a.auth.RequireRole("admin")(http.HandlerFunc(a.admin)))
	app.HandleFunc("GET /unauthorized", a.unauthorized)
	app.Handle("GET /static/", staticFiles())

	// Settings: the user's sessions and "sign out everywhere" (settings.go).
	app.Handle("GET /settings", a.auth.RequireAuth(http.HandlerFunc(a.settings)))
	app.HandleFunc("POST /settings/passkeys/rename", a.renamePasskey)
	app.HandleFunc("POST /settings/passkeys/delete", a.deletePasskey)
	app.HandleFunc("POST /settings/profile", a.rename)
	app.HandleFunc("POST /settings/sessions/revoke-all", a.revokeAll)
	app.HandleFunc("POST /settings/sessions/{id}/revoke", a.revokeOne)

	// Posts as pages and as a JSON API (posts.go), and the profile API
	// (api.go).
	app.HandleFunc("GET /posts", a.postsPage)
	app.HandleFunc("POST /posts", a.createPostForm)
	app.HandleFunc("POST /posts/{id}/delete", a.deletePostForm)
	app.HandleFunc("GET /api/user/profile", a.profile)
	app.HandleFunc("GET /api/posts", a.listPosts)
	app.HandleFunc("POST /api/posts", a.createPost)
	app.HandleFunc("DELETE /api/posts/{id}", a.deletePost)

	app.HandleFunc("/", a.notFound)

	// Every state-changing request to the app's own routes must come from
	// its own origin (Origin / Sec-Fetch-Site): that protects the JSON API,
	// which has no CSRF token, and backs up the forms' csrfToken.
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(a.crossOriginRefused))

	guard := a.auth.Middleware(authgo.MiddlewareConfig{
		Protect:          []string{"/dashboard", "/settings", "/editor", "/admin", "/api/user"},
		SignedInRedirect: "/dashboard",
	})

	root := http.NewServeMux()
	root.Handle("/api/auth/", a.auth.Handler()) // checks its own CSRF and origin
	root.Handle("/", guard(cop.Handler(app)))
	return securityHeaders(root)
}

// The demo's content security policy. cspBase allows no scripts at all,
// styles and images from this site only, no framing and no <base>.
// cspSelfForms adds that forms post to this site only; every page sends
// it except the login page when it shows OAuth buttons (showLogin): those
// post to /api/auth/signin/{provider}, which redirects to the provider,
// and Chromium applies form-action to every redirect after a form post —
// the provider's own hops to its login pages included, which are not
// known in advance — so there form-action must stay open, as on authgo's
// built-in pages.
const (
	cspBase      = "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'"
	cspSelfForms = cspBase + "; form-action 'self'"
)

// securityHeaders sets the headers every response of the demo carries: a
// strict content security policy (no scripts at all), no framing, no
// sniffing, no referrer to other sites.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", cspSelfForms)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// session returns the session Middleware read for r. A failing session
// store answers 503 and ok is false.
func (a *App) session(w http.ResponseWriter, r *http.Request) (s *authgo.Session, ok bool) {
	s, err := a.auth.Session(w, r)
	if err != nil {
		a.log.ErrorContext(r.Context(), "demo: session read failed", "err", err)
		w.Header().Set("Retry-After", "5")
		if isAPI(r) {
			writeJSON(w, http.StatusServiceUnavailable, apiError{Error: "Unavailable"})
		} else {
			http.Error(w, "The service is temporarily unavailable. Try again in a moment.", http.StatusServiceUnavailable)
		}
		return nil, false
	}
	return s, true
}

// userID returns the id of the session's user, "" for none.
func userID(s *authgo.Session) string {
	if s == nil || s.User == nil {
		return ""
	}
	return s.User.ID
}
