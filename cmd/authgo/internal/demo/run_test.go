package demo

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo/internal/limittest"
)

var listening = regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)

// started is a demo started by Run on a random port.
type started struct {
	url  string
	out  *limittest.Logs
	stop context.CancelFunc
	code chan int
}

func startDemo(t *testing.T, args []string, env map[string]string) *started {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &started{out: &limittest.Logs{}, stop: cancel, code: make(chan int, 1)}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	go func() {
		s.code <- Run(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), s.out, io.Discard, lookup)
	}()
	deadline := time.After(30 * time.Second)
	for s.url == "" {
		if m := listening.FindStringSubmatch(s.out.String()); m != nil {
			s.url = m[1]
			break
		}
		select {
		case code := <-s.code:
			t.Fatalf("Run returned %d before listening; output:\n%s", code, s.out.String())
		case <-deadline:
			cancel()
			t.Fatalf("Run did not start; output:\n%s", s.out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Cleanup(func() { s.shutdown(t) })
	return s
}

// shutdown cancels Run's context, as SIGINT does, and checks the clean exit.
func (s *started) shutdown(t *testing.T) {
	t.Helper()
	if s.stop == nil {
		return
	}
	s.stop()
	s.stop = nil
	select {
	case code := <-s.code:
		if code != 0 {
			t.Errorf("Run exit code %d after shutdown", code)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("Run did not shut down")
	}
}

// signIn signs in through the login page of a running demo.
func signIn(t *testing.T, base, email, password string) int {
	t.Helper()
	status, _ := signInJar(t, base, email, password)
	return status
}

// signInJar signs in and returns the status and the browser's cookies.
func signInJar(t *testing.T, base, email, password string) (int, http.CookieJar) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindStringSubmatch(string(body))
	if m == nil {
		t.Fatalf("login page without csrfToken")
	}
	res, err = c.PostForm(base+"/login", url.Values{"csrfToken": {m[1]}, "email": {email}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode, jar
}

var generatedPassword = regexp.MustCompile(`password \(generated; set AUTHGO_DEMO_PASSWORD to choose one\): ([A-Z2-7]{26})`)

func TestRunGeneratesSecretAndPassword(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	s := startDemo(t, []string{"--db", db}, nil)
	out := s.out.String()
	if !strings.Contains(out, "AUTH_SECRET is not set; generated one") {
		t.Errorf("no generated secret in output:\n%s", out)
	}
	if !strings.Contains(out, "Created the demo users") {
		t.Errorf("first start did not say it created the users:\n%s", out)
	}
	m := generatedPassword.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no generated password in output:\n%s", out)
	}
	if code := signIn(t, s.url, "admin@example.com", m[1]); code != http.StatusSeeOther {
		t.Errorf("sign-in with the printed password: %d", code)
	}
	if code := signIn(t, s.url, "admin@example.com", "not the password"); code != http.StatusUnauthorized {
		t.Errorf("sign-in with another password: %d", code)
	}
	s.shutdown(t)
	if !strings.Contains(s.out.String(), "shutting down") {
		t.Errorf("no shutdown line")
	}

	// A second start on the same file says the users keep their password.
	s2 := startDemo(t, []string{"--db", db, "--session", "database"}, map[string]string{"AUTH_SECRET": testSecret})
	out = s2.out.String()
	if strings.Contains(out, "generated one") || !strings.Contains(out, "already has the demo users") || generatedPassword.MatchString(out) {
		t.Errorf("second start output:\n%s", out)
	}
	if !strings.Contains(out, "database sessions") {
		t.Errorf("strategy not shown:\n%s", out)
	}
	if code := signIn(t, s2.url, "viewer@example.com", m[1]); code != http.StatusSeeOther {
		t.Errorf("sign-in after restart: %d", code)
	}
}

func TestRunPasswordFromEnv(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	env := map[string]string{"AUTH_SECRET": testSecret, "AUTHGO_DEMO_PASSWORD": "first password"}
	s := startDemo(t, []string{"--db", db}, env)
	if out := s.out.String(); generatedPassword.MatchString(out) || !strings.Contains(out, "the value of AUTHGO_DEMO_PASSWORD") {
		t.Errorf("output:\n%s", out)
	}
	if code := signIn(t, s.url, "editor@example.com", "first password"); code != http.StatusSeeOther {
		t.Errorf("sign-in: %d", code)
	}
	s.shutdown(t)

	// Another password on the same file: said clearly, old one kept.
	env["AUTHGO_DEMO_PASSWORD"] = "second password"
	s = startDemo(t, []string{"--db", db}, env)
	if out := s.out.String(); !strings.Contains(out, "WARNING: the database "+db+" already has the demo users with a DIFFERENT password") {
		t.Errorf("no mismatch warning:\n%s", out)
	}
	if code := signIn(t, s.url, "editor@example.com", "first password"); code != http.StatusSeeOther {
		t.Errorf("old password after mismatch: %d", code)
	}
	s.shutdown(t)

	// --reset-passwords applies it.
	s = startDemo(t, []string{"--db", db, "--reset-passwords"}, env)
	if out := s.out.String(); !strings.Contains(out, "Reset the password of the demo users") {
		t.Errorf("reset output:\n%s", out)
	}
	if code := signIn(t, s.url, "editor@example.com", "second password"); code != http.StatusSeeOther {
		t.Errorf("new password after reset: %d", code)
	}
	if code := signIn(t, s.url, "admin@example.com", "first password"); code != http.StatusUnauthorized {
		t.Errorf("old password after reset: %d", code)
	}
}

func TestRunBadInput(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		args []string
		env  map[string]string
		code int
		msg  string
	}{
		{[]string{"--session", "cookie"}, nil, 2, "--session must be jwt or database"},
		{[]string{"--nope"}, nil, 2, "flag provided but not defined"},
		{[]string{"extra"}, nil, 2, "unexpected argument"},
		{[]string{"--db", filepath.Join(dir, "x.db")}, map[string]string{"AUTHGO_DEMO_PASSWORD": "short"}, 2, "AUTHGO_DEMO_PASSWORD: Passwords have at least 8 characters."},
		{[]string{"--db", filepath.Join(dir, "x.db")}, map[string]string{"AUTH_SECRET": "too-short"}, 1, "secret 1 is 9 bytes"},
		{[]string{"--db", filepath.Join(dir, "y.db"), "--addr", "256.0.0.1:bad"}, nil, 1, "authgo demo:"},
		{[]string{"--db", filepath.Join(dir, "missing", "dir", "z.db")}, nil, 1, "authgo demo:"},
	}
	for _, c := range cases {
		var stderr bytes.Buffer
		lookup := func(k string) (string, bool) { v, ok := c.env[k]; return v, ok }
		code := Run(context.Background(), c.args, io.Discard, &stderr, lookup)
		if code != c.code || !strings.Contains(stderr.String(), c.msg) {
			t.Errorf("%v: code %d, stderr %q; want %d and %q", c.args, code, stderr.String(), c.code, c.msg)
		}
	}
	// Help asked for goes to stdout; a mistake's usage to stderr.
	for _, h := range []string{"-h", "--help", "-help"} {
		var stdout, stderr bytes.Buffer
		if code := Run(context.Background(), []string{h}, &stdout, &stderr, nil); code != 0 || !strings.Contains(stdout.String(), "Usage: authgo demo") || stderr.Len() != 0 {
			t.Errorf("%s: %d stdout %q stderr %q", h, code, stdout.String(), stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if code := Run(context.Background(), []string{"--nope"}, &stdout, &stderr, nil); code != 2 || stdout.Len() != 0 || !strings.Contains(stderr.String(), "Usage: authgo demo") {
		t.Errorf("--nope: %d stdout %q stderr %q", code, stdout.String(), stderr.String())
	}
}

// TestRunAddressInUse: with its address taken, the demo says so and stops
// before it prints a secret or a password or creates its database.
func TestRunAddressInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	db := filepath.Join(t.TempDir(), "demo.db")
	var stdout, stderr bytes.Buffer
	code := Run(context.Background(), []string{"--addr", ln.Addr().String(), "--db", db}, &stdout, &stderr, nil)
	if code != 1 || !strings.Contains(stderr.String(), ln.Addr().String()+" is in use") || !strings.Contains(stderr.String(), "--addr") {
		t.Errorf("code %d, stderr %q", code, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("printed before taking the address:\n%s", stdout.String())
	}
	if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("created the database before taking the address (stat: %v)", err)
	}
}

// TestRunSecretNote: with a generated secret the demo says what becomes of
// sessions at a restart, and what it says is true: JWT sessions sealed with
// the old secret are refused, database sessions go on.
func TestRunSecretNote(t *testing.T) {
	for _, c := range []struct {
		strategy, says string
		survives       bool
	}{
		{"jwt", "JWT sessions are sealed with it, so they end when the demo stops", false},
		{"database", "Sessions are rows in %s and survive a restart", true},
	} {
		t.Run(c.strategy, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "demo.db")
			env := map[string]string{"AUTHGO_DEMO_PASSWORD": testPassword}
			s := startDemo(t, []string{"--db", db, "--session", c.strategy}, env)
			if want := strings.ReplaceAll(c.says, "%s", db); !strings.Contains(s.out.String(), want) {
				t.Errorf("output lacks %q:\n%s", want, s.out.String())
			}
			status, jar := signInJar(t, s.url, "viewer@example.com", testPassword)
			if status != http.StatusSeeOther {
				t.Fatalf("sign-in: %d", status)
			}
			s.shutdown(t)
			s = startDemo(t, []string{"--db", db, "--session", c.strategy}, env) // a new secret
			if got := dashboardStatus(t, s.url, jar) == http.StatusOK; got != c.survives {
				t.Errorf("session still valid after a restart: %v, the demo said %q", got, c.says)
			}
		})
	}
}

// dashboardStatus is the status of /dashboard for the cookies of jar
// (cookies are per host, not per port, so a demo on a new port gets them).
func dashboardStatus(t *testing.T, base string, jar http.CookieJar) int {
	t.Helper()
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Get(base + "/dashboard")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}
