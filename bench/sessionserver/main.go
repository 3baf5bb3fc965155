// Command sessionserver is one of the servers bench/http-compare loads: in
// mode "authgo" an authgo app with JWT sessions and a credentials provider
// for one bench user, in mode "bare" a plain net/http handler that answers
// GET /api/auth/session with a recorded response (status, headers and body
// captured from the authgo server by loadgen capture), byte for byte.
//
// It listens on a loopback address only (port 0 picks a free one), prints
// "listening http://ADDR" on stdout once it accepts connections, and exits
// on SIGINT or SIGTERM or after -max-life.
//
//	AUTH_SECRET=... sessionserver -mode authgo -password P
//	sessionserver -mode bare -response captured.json
package main

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/providers"
)

// Recorded is a captured HTTP response, the file format shared with
// loadgen capture.
type Recorded struct {
	// Status is the HTTP status code.
	Status int `json:"status"`
	// Header holds the response headers, without Date and Content-Length,
	// which net/http writes itself.
	Header http.Header `json:"header"`
	// Body is the response body.
	Body string `json:"body"`
}

// benchEmail is the one user the authgo mode signs in.
const benchEmail = "bench@example.com"

func main() {
	mode := flag.String("mode", "authgo", "authgo or bare")
	addr := flag.String("listen", "127.0.0.1:0", "loopback address to listen on (port 0: a free one)")
	password := flag.String("password", "", "authgo mode: the bench user's password")
	response := flag.String("response", "", "bare mode: the recorded response to answer with (JSON from loadgen capture)")
	maxLife := flag.Duration("max-life", 10*time.Minute, "exit after this long in any case")
	updateAge := flag.Duration("jwt-update-age", 0, "authgo mode: Session.JWTUpdateAge (0: its default, 1 minute; negative: re-issue the cookie on every read, as Auth.js)")
	flag.Parse()
	if err := run(*mode, *addr, *password, *response, *maxLife, *updateAge); err != nil {
		fmt.Fprintln(os.Stderr, "sessionserver:", err)
		os.Exit(1)
	}
}

func run(mode, addr, password, response string, maxLife, updateAge time.Duration) error {
	var h http.Handler
	var err error
	switch mode {
	case "authgo":
		h, err = authgoHandler(password, updateAge)
	case "bare":
		h, err = bareHandler(response)
	default:
		err = fmt.Errorf("unknown mode %q (want authgo or bare)", mode)
	}
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	if ip := ln.Addr().(*net.TCPAddr).IP; !ip.IsLoopback() {
		ln.Close()
		return fmt.Errorf("%s is not a loopback address", ln.Addr())
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, maxLife)
	defer cancel()
	go func() {
		<-ctx.Done()
		shut, done := context.WithTimeout(context.Background(), 2*time.Second)
		defer done()
		srv.Shutdown(shut)
	}()
	fmt.Printf("listening http://%s\n", ln.Addr())
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// authgoHandler is an authgo app whose credentials provider accepts
// benchEmail with password; the secret comes from AUTH_SECRET.
func authgoHandler(password string, updateAge time.Duration) (http.Handler, error) {
	if password == "" {
		return nil, errors.New("authgo mode needs -password")
	}
	user := authgo.User{ID: "bench-user-1", Name: "Ada Lovelace", Email: benchEmail, Image: "https://avatars.example.com/u/1?v=4"}
	auth, err := authgo.New(authgo.Config{
		Providers: []authgo.Provider{providers.Credentials(providers.CredentialsConfig{
			Authorize: func(_ context.Context, c authgo.Credentials, _ *http.Request) (*authgo.User, error) {
				okEmail := subtle.ConstantTimeCompare([]byte(c["email"]), []byte(benchEmail))
				okPass := subtle.ConstantTimeCompare([]byte(c["password"]), []byte(password))
				if okEmail&okPass != 1 {
					return nil, nil
				}
				u := user
				return &u, nil
			},
		})},
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		// Loopback only, behind no proxy: the load tools' Host is this server's.
		TrustHost: true,
		Session:   authgo.SessionConfig{JWTUpdateAge: updateAge},
	})
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/api/auth/", auth.Handler())
	return mux, nil
}

// bareHandler answers GET /api/auth/session with the recorded response.
func bareHandler(file string) (http.Handler, error) {
	if file == "" {
		return nil, errors.New("bare mode needs -response")
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rec Recorded
	if err := json.NewDecoder(io.LimitReader(f, 1<<20)).Decode(&rec); err != nil {
		return nil, fmt.Errorf("%s: %v", file, err)
	}
	body := []byte(rec.Body)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/api/auth/session" {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		for k, v := range rec.Header {
			h[k] = v
		}
		w.WriteHeader(rec.Status)
		w.Write(body)
	}), nil
}
