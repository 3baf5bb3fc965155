// Package guardtest holds what the path-guard attack tests of both modules
// (the root with ServeMux, e2e with chi) share: the ways of guarding an app
// they try, request targets that try to reach a handler under a guarded
// prefix without the guard noticing, a client that sends them byte for
// byte (Go's http.Client cleans and re-escapes paths, so they go over a
// plain TCP connection), and the check itself.
//
// The app under test routes GET /admin/{page} (or a wildcard under
// /admin), GET /posts/{id}/edit and, behind RequireRole("admin") alone,
// GET /vault/{rest...} to handlers made by Reached; anything else to an
// open page.
package guardtest

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo"
)

// Case is one way of guarding /admin and GET /posts/{id}/edit, and who is
// signed in when the targets are sent.
type Case struct {
	Name   string
	Config authgo.MiddlewareConfig
	// User is the email of the signed-in user (a viewer), "" for nobody.
	User string
}

// Cases are the guards tried: Protect; everything guarded but Public
// paths (a target must not pass for /static or the sign-in page while it
// routes under /admin); and a signed-in viewer where an Authorized
// callback wants an admin.
func Cases() []Case {
	adminOnly := func(r *http.Request, s *authgo.Session) authgo.Verdict {
		if s != nil && s.User.Role == "admin" {
			return authgo.Allow()
		}
		return authgo.Deny()
	}
	protect := []string{"/admin", "GET /posts/{id}/edit"}
	return []Case{
		{Name: "protect", Config: authgo.MiddlewareConfig{Protect: protect}},
		{Name: "guard-all", Config: authgo.MiddlewareConfig{Public: []string{"/static", "/open"}}},
		{Name: "authorized", Config: authgo.MiddlewareConfig{Protect: protect, Authorized: adminOnly}, User: "grace@example.com"},
	}
}

// Reached returns a guarded handler of the app: it names itself in the
// X-Reached header.
func Reached(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Reached", name)
		io.WriteString(w, name)
	}
}

// Check sends every target of Bypasses, and its /vault twin, to the app at
// addr with the Cookie header cookie, and fails t for each that reaches a
// guarded handler. Controls first: admin (an admin's Cookie header)
// reaches each guarded handler, cookie reaches none by the plain path.
func Check(t *testing.T, addr, cookie, admin string) {
	t.Helper()
	for _, p := range []string{"/admin/p", "/vault/p", "/posts/1/edit"} {
		if r := get(t, addr, p, admin); r.Header.Get("X-Reached") == "" {
			t.Fatalf("control: an admin did not reach %s: %d %q", p, r.Status, r.Body)
		}
		if r := get(t, addr, p, cookie); r.Header.Get("X-Reached") != "" {
			t.Fatalf("control: %s reached %q without the right session", p, r.Header.Get("X-Reached"))
		}
	}
	if r := get(t, addr, "/static/x", cookie); r.Status != 200 || r.Body != "open" {
		t.Fatalf("control: /static/x: %d %q", r.Status, r.Body)
	}
	targets := append([]string{}, Bypasses...)
	for _, p := range Bypasses {
		if rest, ok := strings.CutPrefix(p, "/admin"); ok {
			targets = append(targets, "/vault"+rest)
		}
	}
	bypassed := 0
	for _, p := range targets {
		if r := get(t, addr, p, cookie); r.Header.Get("X-Reached") != "" {
			bypassed++
			t.Errorf("GET %s reached the %s handler (%d)", p, r.Header.Get("X-Reached"), r.Status)
		}
	}
	t.Logf("%d of %d targets bypassed the guard", bypassed, len(targets))
}

func get(t *testing.T, addr, target, cookie string) *Response {
	t.Helper()
	r, err := Get(addr, target, cookie)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	return r
}

// Bypasses are request targets aimed at routes under /admin — GET
// /admin/{page} and GET /admin/{rest...} — and at GET /posts/{id}/edit:
// encoded slashes and backslashes, encoded and double-encoded dot segments,
// matrix parameters, empty and dot segments, case changes, trailing dots.
// Those ending in /login or /static also try to make a guard take them for
// a public page.
var Bypasses = []string{
	// Encoded slash or backslash in a segment, with or without dots.
	"/admin/..%2F", "/admin/..%2f", "/admin/..%5C", "/admin/..%5c",
	"/admin/%2e%2e%2F", "/admin/%2E%2E%2f", "/admin/.%2F", "/admin/%2e%2F",
	"/admin/..%2F..%2F", "/admin/x%2F..%2F..%2F", "/admin/..%5C..%5C",
	"/admin/..%2Flogin", "/admin/..%2F..%2Flogin", "/admin/..%2Fstatic", "/admin/..%5Cstatic",
	"/admin/x/..%2F..%2F", "/admin/a/b/..%2F..%2F..%2Fstatic", "/admin/x/..%2F..%2F..%2Flogin",
	"/admin%2Fp", "/admin%2fp", "/admin%5Cp", "/admin%5cp",
	// Double encoding.
	"/admin/..%252F", "/admin/%252e%252e%252f", "/admin/..%255C", "/%2561dmin/p",
	"/admin/..%252F..%252Flogin", "/admin%252Fp",
	// Matrix parameters.
	"/admin;x=1/p", "/admin/p;x=1", "/admin;/p", "/admin/..;/", "/admin/..;/login",
	// Empty, dot and encoded-dot segments.
	"//admin/p", "///admin/p", "/./admin/p", "/x/../admin/p", "/admin/./p", "/admin//p",
	"/admin/%2e", "/admin/%2e%2e", "/admin/..", "/admin/.", "/%2e/admin/p", "/x/%2e%2e/admin/p",
	// Case and trailing dots.
	"/ADMIN/p", "/Admin/p", "/aDmIn/p", "/admin%2e%2e", "/admin%2e%2e/p", "/admin./p",
	"/admin../p", "/admin/p.", "/admin/p..", "/admin%2e/p", "/admin%20/p",
	// A ServeMux pattern entry (GET /posts/{id}/edit).
	"/posts/..%2F/edit", "/posts/x%2F..%2F..%2F/edit", "/posts/a%2Fb/edit", "/posts/%2e%2e/edit",
	"/posts/..%5C/edit", "/posts/x/./edit", "//posts/x/edit", "/posts/x/edit;y", "/posts/x/..%2Fedit",
	"/posts/../edit", "/posts/./edit", "/posts/%2e/edit", "/posts/%2E%2E/edit/", "/posts//edit", `/posts/"%2F00/edit`,
	`/admin/"%2F..%2F`, "/admin//", "/admin/%00",
}

// Response is what Get read.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// Get sends "GET target HTTP/1.1" with headers to the server at addr
// (host:port) exactly as written, and reads the answer. A non-empty cookie
// is sent as the Cookie header.
func Get(addr, target, cookie string) (*Response, error) {
	conn, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", target, addr)
	if cookie != "" {
		fmt.Fprintf(&b, "Cookie: %s\r\n", cookie)
	}
	b.WriteString("\r\n")
	if _, err := io.WriteString(conn, b.String()); err != nil {
		return nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: string(body)}, nil
}

// CookieHeader joins cookies into the value of a Cookie request header.
func CookieHeader(cookies []*http.Cookie) string {
	parts := make([]string, len(cookies))
	for i, c := range cookies {
		parts[i] = c.Name + "=" + c.Value
	}
	return strings.Join(parts, "; ")
}
