package demo

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/authgo/authgo"
)

// Run is `authgo demo`: it reads the flags in args, opens the app and
// serves it until ctx is done (the caller cancels it on SIGINT/SIGTERM),
// then shuts down gracefully. It returns the exit code: 0 after a clean
// shutdown, 1 on failure, 2 for bad flags. Start-up notes — the address,
// a generated secret or password — go to stdout, logs to stderr. lookupEnv
// reads AUTH_SECRET, AUTHGO_DEMO_PASSWORD and the OAuth providers'
// variables.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, lookupEnv func(string) (string, bool)) int {
	fs := flag.NewFlagSet("authgo demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:3000", "address to listen on")
	dbPath := fs.String("db", "./authgo-demo.db", "SQLite file for users, sessions and posts (created on first start)")
	strategy := fs.String("session", "jwt", "session strategy: jwt or database")
	reset := fs.Bool("reset-passwords", false, "set the demo users' password to AUTHGO_DEMO_PASSWORD (or a new one) even if the database has them")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: authgo demo [flags]\n\nRuns the example app: sign-in, roles, posts, sessions.\nEnvironment: AUTH_SECRET (else generated), AUTHGO_DEMO_PASSWORD (else generated).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "authgo demo: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if *strategy != string(authgo.StrategyJWT) && *strategy != string(authgo.StrategyDatabase) {
		fmt.Fprintf(stderr, "authgo demo: --session must be jwt or database, not %q\n", *strategy)
		return 2
	}
	env := func(k string) string {
		if lookupEnv == nil {
			return ""
		}
		v, _ := lookupEnv(k)
		return strings.TrimSpace(v)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

	secret := env("AUTH_SECRET")
	if secret == "" {
		secret = randomSecret()
		fmt.Fprintf(stdout, "AUTH_SECRET is not set; generated one for this run (sessions end when the demo stops):\n  AUTH_SECRET=%s\n", secret)
	}
	pw, generated := env("AUTHGO_DEMO_PASSWORD"), false
	if pw == "" {
		pw, generated = rand.Text(), true
	} else if _, errs := validateSignIn("admin@example.com", pw); errs["password"] != "" {
		fmt.Fprintf(stderr, "authgo demo: AUTHGO_DEMO_PASSWORD: %s\n", errs["password"])
		return 2
	}

	app, err := New(ctx, Config{
		DBPath:         *dbPath,
		Strategy:       authgo.SessionStrategy(*strategy),
		Secret:         secret,
		Password:       pw,
		ResetPasswords: *reset,
		LookupEnv:      lookupEnv,
		Logger:         log,
	})
	if err != nil {
		fmt.Fprintf(stderr, "authgo demo: %v\n", err)
		return 1
	}
	defer app.Close()

	printUsers(stdout, app, *dbPath, pw, generated, *reset)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "authgo demo: %v\n", err)
		return 1
	}
	srv := &http.Server{
		Handler:           app,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(stdout, "authgo demo (%s sessions, database %s) listening on http://%s\n", *strategy, *dbPath, ln.Addr())

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		fmt.Fprintf(stderr, "authgo demo: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	fmt.Fprintln(stdout, "authgo demo: shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		fmt.Fprintf(stderr, "authgo demo: shutdown: %v\n", err)
		return 1
	}
	return 0
}

// printUsers tells the person who started the demo how to sign in.
func printUsers(w io.Writer, app *App, dbPath, pw string, generated, reset bool) {
	switch {
	case len(app.StalePasswords) > 0 && generated:
		fmt.Fprintf(w, "The database %s already has the demo users, with the password they were created with.\n"+
			"  Sign in with that password, set AUTHGO_DEMO_PASSWORD to it, or start with --reset-passwords\n"+
			"  (or delete the file) to give them a new one.\n", dbPath)
	case len(app.StalePasswords) > 0:
		fmt.Fprintf(w, "WARNING: the database %s already has the demo users with a DIFFERENT password than AUTHGO_DEMO_PASSWORD:\n"+
			"  %s\n"+
			"  Their stored password was kept. Start with --reset-passwords (or delete the file) to use AUTHGO_DEMO_PASSWORD.\n",
			dbPath, strings.Join(app.StalePasswords, ", "))
	default:
		what := "Demo users"
		if app.Seeded {
			what = "Created the demo users"
		} else if reset {
			what = "Reset the password of the demo users"
		}
		fmt.Fprintf(w, "%s: admin@example.com (admin), editor@example.com (editor), viewer@example.com (viewer)\n", what)
		if generated {
			fmt.Fprintf(w, "  password (generated; set AUTHGO_DEMO_PASSWORD to choose one): %s\n", pw)
		} else {
			fmt.Fprintln(w, "  password: the value of AUTHGO_DEMO_PASSWORD")
		}
	}
}

// randomSecret returns 32 random bytes, base64url, like `authgo secret`.
func randomSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
