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
	"syscall"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/cmd/authgo/internal/cli"
)

// Run is `authgo demo`: it reads the flags in args, opens the app and
// serves it until ctx is done (the caller cancels it on SIGINT/SIGTERM),
// then shuts down gracefully. It returns the exit code: 0 after a clean
// shutdown or after -h, 1 on failure, 2 for bad flags. The address is
// taken first, so a demo that cannot listen prints no secret and creates
// no database. Start-up notes — the address, a generated secret or
// password — and the help asked for with -h go to stdout; logs and
// mistakes to stderr. lookupEnv reads AUTH_SECRET, AUTHGO_DEMO_PASSWORD
// and the OAuth providers' variables.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer, lookupEnv func(string) (string, bool)) int {
	f, code, ok := parseFlags(args, stdout, stderr)
	if !ok {
		return code
	}
	env := func(k string) string {
		if lookupEnv == nil {
			return ""
		}
		v, _ := lookupEnv(k)
		return strings.TrimSpace(v)
	}
	pw, generated := env("AUTHGO_DEMO_PASSWORD"), false
	if pw == "" {
		pw, generated = rand.Text(), true
	} else if _, errs := validateSignIn("admin@example.com", pw); errs["password"] != "" {
		fmt.Fprintf(stderr, "authgo demo: AUTHGO_DEMO_PASSWORD: %s\n", errs["password"])
		return 2
	}
	ln, err := listen(f.addr)
	if err != nil {
		fmt.Fprintf(stderr, "authgo demo: %v\n", err)
		return 1
	}
	defer ln.Close()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	secret := env("AUTH_SECRET")
	if secret == "" {
		secret = randomSecret()
		fmt.Fprintf(stdout, "AUTH_SECRET is not set; generated one for this run. %s\n  AUTH_SECRET=%s\n", secretNote(f.strategy, f.dbPath), secret)
	}
	app, err := New(ctx, Config{
		DBPath:         f.dbPath,
		Strategy:       f.strategy,
		Secret:         secret,
		Password:       pw,
		ResetPasswords: f.reset,
		LookupEnv:      lookupEnv,
		Logger:         log,
		SMTPURL:        f.smtp,
		MailFrom:       f.mailFrom,
		AdminTwoFactor: true,
	})
	if err != nil {
		fmt.Fprintf(stderr, "authgo demo: %v\n", err)
		return 1
	}
	defer app.Close()
	printUsers(stdout, app, f.dbPath, pw, generated, f.reset)
	printMail(stdout, app, ln.Addr().String())
	fmt.Fprintf(stdout, "authgo demo (%s sessions, database %s) listening on http://%s\n", f.strategy, f.dbPath, ln.Addr())
	return serve(ctx, app, ln, log, stdout, stderr)
}

// flags are the flags of `authgo demo`.
type flags struct {
	addr, dbPath   string
	strategy       authgo.SessionStrategy
	reset          bool
	smtp, mailFrom string
}

// parseFlags reads args; ok is false when Run is done, with code.
func parseFlags(args []string, stdout, stderr io.Writer) (f flags, code int, ok bool) {
	fs := flag.NewFlagSet("authgo demo", flag.ContinueOnError)
	fs.StringVar(&f.addr, "addr", "127.0.0.1:3000", "address to listen on")
	fs.StringVar(&f.dbPath, "db", "./authgo-demo.db", "SQLite file for users, sessions and posts (created on first start)")
	strategy := fs.String("session", "jwt", "session strategy: jwt or database")
	fs.BoolVar(&f.reset, "reset-passwords", false, "set the demo users' password to AUTHGO_DEMO_PASSWORD (or a new one) even if the database has them")
	fs.StringVar(&f.smtp, "smtp", "", "send sign-in mail through this SMTP server, e.g. smtp://127.0.0.1:2525 or smtps://user:pass@host:465\n(default: keep mail in memory and show it at /dev/mailbox)")
	fs.StringVar(&f.mailFrom, "mail-from", defaultMailFrom, "sender address of the demo's mail")
	usage := func(w io.Writer) {
		fmt.Fprintf(w, "Usage: authgo demo [flags]\n\nRuns the example app: sign-in, roles, posts, sessions.\nEnvironment: AUTH_SECRET (else generated), AUTHGO_DEMO_PASSWORD (else generated).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if code, ok := cli.Parse(fs, args, usage, stdout, stderr); !ok {
		return f, code, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "authgo demo: unexpected argument %q (the demo takes flags only; see authgo demo -h)\n", fs.Arg(0))
		return f, 2, false
	}
	f.strategy = authgo.SessionStrategy(*strategy)
	if f.strategy != authgo.StrategyJWT && f.strategy != authgo.StrategyDatabase {
		fmt.Fprintf(stderr, "authgo demo: --session must be jwt or database, not %q\n", *strategy)
		return f, 2, false
	}
	return f, 0, true
}

// listen takes addr, saying in words when another program holds it.
func listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("%s is in use (another authgo demo?); stop what listens there or choose another address with --addr 127.0.0.1:3001", addr)
	}
	return ln, err
}

// secretNote says what a secret made for one run means for the sessions of
// strategy: JWT sessions are sealed with it and end with the run; database
// sessions are rows of the database file and survive a restart.
func secretNote(strategy authgo.SessionStrategy, dbPath string) string {
	if strategy == authgo.StrategyDatabase {
		return "Sessions are rows in " + dbPath + " and survive a restart; set AUTH_SECRET to keep open sign-in forms valid across restarts too:"
	}
	return "JWT sessions are sealed with it, so they end when the demo stops; set AUTH_SECRET to keep them:"
}

// serve serves app on ln until ctx is done, then shuts down gracefully.
func serve(ctx context.Context, app *App, ln net.Listener, log *slog.Logger, stdout, stderr io.Writer) int {
	srv := &http.Server{
		Handler:           app,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
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

// printMail says where sign-in mail goes. The SMTP URL is printed with its
// password hidden.
func printMail(w io.Writer, app *App, addr string) {
	if app.mail != nil {
		fmt.Fprintf(w, "Sign-in mail is not sent: it is kept in memory and shown at http://%s/dev/mailbox (start with --smtp URL to send it).\n", addr)
		return
	}
	fmt.Fprintf(w, "Sign-in mail is sent through %s.\n", app.smtp)
}

// randomSecret returns 32 random bytes, base64url, like `authgo secret`.
func randomSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
