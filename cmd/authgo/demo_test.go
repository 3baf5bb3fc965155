package main

import (
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/authgo/authgo/internal/limittest"
)

// TestRunDemoRandomPortAndSIGINT starts `authgo demo` on a random port,
// fetches a page and the session endpoint, then sends the process SIGINT,
// which runDemo catches: the server shuts down and it returns 0.
func TestRunDemoRandomPortAndSIGINT(t *testing.T) {
	t.Setenv("AUTH_SECRET", "")
	t.Setenv("AUTHGO_DEMO_PASSWORD", "")
	out := &limittest.Logs{}
	code := make(chan int, 1)
	db := filepath.Join(t.TempDir(), "demo.db")
	go func() {
		code <- runDemo([]string{"--addr", "127.0.0.1:0", "--db", db, "--session", "database"}, out, io.Discard)
	}()

	re := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)`)
	var base string
	for deadline := time.Now().Add(30 * time.Second); base == ""; {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case c := <-code:
			t.Fatalf("runDemo returned %d before listening:\n%s", c, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("runDemo did not start:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(out.String(), "password (generated") {
		t.Errorf("no generated password printed:\n%s", out.String())
	}
	for path, want := range map[string]string{"/": "authgo demo", "/api/auth/session": "null", "/api/user/profile": `{"error":"Unauthorized"}`} {
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(body), want) {
			t.Errorf("GET %s: %d %q lacks %q", path, res.StatusCode, body, want)
		}
	}

	if err := syscall.Kill(syscall.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-code:
		if c != 0 {
			t.Errorf("exit code %d after SIGINT", c)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("runDemo did not stop on SIGINT")
	}
	if !strings.Contains(out.String(), "shutting down") {
		t.Errorf("no shutdown line:\n%s", out.String())
	}
	if _, err := http.Get(base + "/"); err == nil {
		t.Errorf("server still answers after shutdown")
	}
}
