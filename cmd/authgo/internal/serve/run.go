package serve

import (
	"bufio"
	"context"
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

	"github.com/authgo/authgo/cmd/authgo/internal/cli"
	"github.com/authgo/authgo/password"
)

// Run is `authgo serve`: it reads the flags in args and the config, and
// serves until ctx is done (the caller cancels it on SIGINT/SIGTERM), then
// shuts down gracefully: readiness fails at once, the listener closes (new
// connections are refused), requests in flight finish within
// server.shutdown_timeout. It returns the exit code: 0 after a clean
// shutdown, -h, or a passed --check; 1 on failure; 2 for bad flags or a
// bad config. Logs (JSON lines) go to stderr; --check and --hash-password
// write to stdout.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, lookupEnv func(string) (string, bool)) int {
	fs := flag.NewFlagSet("authgo serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:3000", "address to listen on (HOST:PORT)")
	configPath := fs.String("config", "", "config file, YAML (.yaml, .yml) or TOML (.toml)")
	check := fs.Bool("check", false, "check the config, print what would run, and exit (connects to nothing)")
	hash := fs.Bool("hash-password", false, "read a password on stdin and print its argon2id hash for users[].password_hash")
	usage := func(w io.Writer) {
		fmt.Fprint(w, "Usage: authgo serve [--addr HOST:PORT] [--config FILE] [--check]\n\n"+
			"Runs authgo as a standalone auth server with forward-auth at GET <base>/verify.\n"+
			"Environment: AUTH_SECRET, AUTH_URL, AUTH_TRUST_HOST, AUTH_<PROVIDER>_ID/SECRET/ISSUER,\n"+
			"AUTHGO_DATABASE_URL (SQLite path, postgres://, mysql://), AUTHGO_REDIS_URL, OTEL_EXPORTER_OTLP_*.\n"+
			"A key set in the config file overrides its environment variable.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if code, ok := cli.Parse(fs, args, usage, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "authgo serve: unexpected argument %q (see authgo serve -h)\n", fs.Arg(0))
		return 2
	}
	if lookupEnv == nil {
		lookupEnv = func(string) (string, bool) { return "", false }
	}
	if *hash {
		return hashPassword(stdin, stdout, stderr)
	}
	var file *File
	if *configPath != "" {
		f, err := LoadFile(*configPath)
		if err != nil {
			fmt.Fprintf(stderr, "authgo serve: %v\n", err)
			return 2
		}
		file = f
	}
	if *check {
		s, err := New(ctx, file, lookupEnv, io.Discard, true)
		if err != nil {
			fmt.Fprintf(stderr, "authgo serve: %v\n", err)
			return 2
		}
		defer s.Close()
		s.Describe(stdout, *addr)
		return 0
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			err = fmt.Errorf("%s is in use; stop what listens there or choose another address with --addr", *addr)
		}
		fmt.Fprintf(stderr, "authgo serve: %v\n", err)
		return 1
	}
	defer ln.Close()
	s, err := New(ctx, file, lookupEnv, stderr, false)
	if err != nil {
		fmt.Fprintf(stderr, "authgo serve: %v\n", err)
		return 2
	}
	defer s.Close()
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx is done, then shuts down gracefully.
func (s *Server) Serve(ctx context.Context, ln net.Listener) int {
	t := s.cfg.file.Server
	or := func(d Duration, def time.Duration) time.Duration {
		if d > 0 {
			return d.D()
		}
		return def
	}
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: or(t.ReadHeaderTimeout, 10*time.Second),
		ReadTimeout:       or(t.ReadTimeout, 30*time.Second),
		WriteTimeout:      or(t.WriteTimeout, 30*time.Second),
		IdleTimeout:       or(t.IdleTimeout, 2*time.Minute),
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	s.log.Info("authgo serve: listening", "addr", ln.Addr().String(), "base", s.auth.BasePath(), "sessions", string(s.cfg.strategy))
	select {
	case err := <-served:
		s.log.Error("authgo serve: server failed", "err", err)
		return 1
	case <-ctx.Done():
	}
	s.draining.Store(true)
	s.log.Info("authgo serve: shutting down; finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), or(t.ShutdownTimeout, 20*time.Second))
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		s.log.Error("authgo serve: shutdown did not finish in time", "err", err)
		return 1
	}
	s.log.Info("authgo serve: stopped")
	return 0
}

// hashPassword prints the argon2id hash of the first line of stdin.
func hashPassword(stdin io.Reader, stdout, stderr io.Writer) int {
	if cli.Terminal(stdin) {
		fmt.Fprintln(stderr, "authgo serve: type the password and press Enter (it is echoed; pipe it in to avoid that)")
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		fmt.Fprintf(stderr, "authgo serve: %v\n", err)
		return 1
	}
	pw := strings.TrimRight(line, "\r\n")
	if len(pw) < 8 {
		fmt.Fprintln(stderr, "authgo serve: the password must have at least 8 characters")
		return 2
	}
	h, err := password.Hash(pw)
	if err != nil {
		fmt.Fprintf(stderr, "authgo serve: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, h)
	return 0
}
