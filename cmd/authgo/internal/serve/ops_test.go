package serve

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/authgo/authgo/internal/testenv"
)

func TestHealthzAndMetrics(t *testing.T) {
	fx := newFixture(t, &File{Users: testUsers(), Access: appRules()}, nil)
	if code, body := fx.get("/healthz"); code != 200 || body != "ok\n" {
		t.Fatalf("healthz %d %q", code, body)
	}
	if code, body := fx.get("/readyz"); code != 200 || body != "{}\n" {
		t.Fatalf("readyz without stores: %d %q", code, body)
	}
	c := browser()
	fx.signIn(c, "viewer@example.com", "/")
	form := url.Values{"email": {"viewer@example.com"}, "password": {"wrong password"}, "csrfToken": {"x"}}
	resp, _ := browser().PostForm(fx.url("/api/auth/callback/credentials"), form) // no CSRF: refused before the check
	resp.Body.Close()
	fx.verify(fx.cookies(c), "https://app.test/private", nil)
	fx.verify(fx.cookies(c), "https://app.test/admin", nil)
	fx.verify("", "https://app.test/private", nil)
	_, metrics := fx.get("/metrics")
	for _, want := range []string{
		`authgo_signins_total{provider="credentials",result="success"} 1`,
		`authgo_verify_decisions_total{decision="allow"} 1`,
		`authgo_verify_decisions_total{decision="forbidden"} 1`,
		`authgo_verify_decisions_total{decision="unauthenticated"} 1`,
		`authgo_http_request_duration_seconds_bucket{code="200",handler="verify"`,
		`authgo_http_request_duration_seconds_count{code="302",handler="auth"}`,
		"go_goroutines",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// Rate-limit refusals and failed sign-ins are counted by provider.
func TestMetricsSignInFailures(t *testing.T) {
	fx := newFixture(t, &File{Users: testUsers()}, nil)
	c := browser()
	for range 6 {
		var csrf struct{ CSRFToken string }
		resp, _ := c.Get(fx.url("/api/auth/csrf"))
		_ = jsonDecode(resp, &csrf)
		form := url.Values{"email": {"viewer@example.com"}, "password": {"not the password"}, "csrfToken": {csrf.CSRFToken}}
		resp, err := c.PostForm(fx.url("/api/auth/callback/credentials"), form)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	_, metrics := fx.get("/metrics")
	for _, want := range []string{
		`authgo_signins_total{provider="credentials",result="CredentialsSignin"} 5`,
		`authgo_rate_limited_total{limit="identifier-client",provider="credentials"} 1`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s\n%s", want, grepLines(metrics, "authgo_"))
		}
	}
}

func grepLines(s, prefix string) string {
	var out []string
	for l := range strings.SplitSeq(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// pgSchema makes a PostgreSQL schema of its own for t and returns the URL
// that uses it through host (a cutProxy's address).
func pgSchema(t *testing.T, host string) string {
	t.Helper()
	base := testenv.Postgres(t)
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("serve_%d", time.Now().UnixNano())
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = db.Exec("DROP SCHEMA " + schema + " CASCADE"); db.Close() })
	u, _ := url.Parse(base)
	if host != "" {
		u.Host = host
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// redisScope returns the test Redis URL through host and a key prefix of
// t's own, whose keys are deleted when t ends.
func redisScope(t *testing.T, host string) (string, string) {
	t.Helper()
	base := testenv.Redis(t)
	prefix := fmt.Sprintf("authgo-serve-test-%d:", time.Now().UnixNano())
	o, err := goredis.ParseURL(base)
	if err != nil {
		t.Fatal(err)
	}
	rdb := goredis.NewClient(o)
	t.Cleanup(func() {
		ctx := context.Background()
		keys, _ := rdb.Keys(ctx, prefix+"*").Result()
		if len(keys) > 0 {
			rdb.Del(ctx, keys...)
		}
		rdb.Close()
	})
	u, _ := url.Parse(base)
	u.Host = host
	return u.String(), prefix
}

// eventually retries f for up to 10 s until it returns "".
func eventually(t *testing.T, what string, f func() string) {
	t.Helper()
	var last string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if last = f(); last == "" {
			return
		}
	}
	t.Fatalf("%s: %s", what, last)
}

// With PostgreSQL or Redis down, readiness fails and verify refuses with
// 503 (it never lets a request through unchecked); both recover when the
// store is back, without a restart.
func TestStoresDownFailClosed(t *testing.T) {
	pg := newCutProxy(t, hostOf(testenv.Postgres(t)))
	rd := newCutProxy(t, hostOf(testenv.Redis(t)))
	redisURL, prefix := redisScope(t, rd.addr())
	zero := Duration(0)
	for _, strategy := range []string{"database", "jwt"} {
		t.Run(strategy, func(t *testing.T) {
			fx := newFixture(t, &File{Users: testUsers(), Database: pgSchema(t, pg.addr()), Redis: redisURL, RedisPrefix: prefix + strategy + ":",
				Session: SessionFile{Strategy: strategy, CacheTTL: &zero}}, nil)
			c := browser()
			fx.signIn(c, "viewer@example.com", "/")
			cookie := fx.cookies(c)
			if r := fx.verify(cookie, "https://app.test/", nil); r.StatusCode != 200 {
				t.Fatalf("before: %d", r.StatusCode)
			}
			for _, store := range []struct {
				name string
				p    *cutProxy
			}{{"database", pg}, {"redis", rd}} {
				store.p.set(true)
				eventually(t, store.name+" down: readiness", func() string {
					if code, body := fx.get("/readyz"); code != 503 || !strings.Contains(body, `"`+store.name+`":"unavailable"`) {
						return fmt.Sprintf("readyz %d %s", code, body)
					}
					return ""
				})
				// JWT sessions read only Redis (revocation); database sessions
				// read only the database.
				if strategy == "database" && store.name == "database" || strategy == "jwt" && store.name == "redis" {
					eventually(t, store.name+" down: verify", func() string {
						r := fx.verify(cookie, "https://app.test/", nil)
						if r.StatusCode != 503 || r.Header.Get("Retry-After") == "" {
							return fmt.Sprintf("verify %d", r.StatusCode)
						}
						return ""
					})
				}
				store.p.set(false)
				eventually(t, store.name+" back: readiness and verify", func() string {
					code, body := fx.get("/readyz")
					r := fx.verify(cookie, "https://app.test/", nil)
					if code != 200 || r.StatusCode != 200 {
						return fmt.Sprintf("readyz %d %s, verify %d", code, body, r.StatusCode)
					}
					return ""
				})
			}
			_, metrics := fx.get("/metrics")
			if !strings.Contains(metrics, `authgo_store_errors_total{method="ping",store="database"}`) || !strings.Contains(metrics, `authgo_store_errors_total{method="ping",store="redis"}`) {
				t.Errorf("store errors not counted:\n%s", grepLines(metrics, "authgo_store"))
			}
			if !strings.Contains(fx.logs.String(), "verify cannot read the session; refusing") {
				t.Error("no log line for the refused verify")
			}
		})
	}
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		panic(err)
	}
	return u.Host
}

// The verify path never writes the session store: a database session read
// only by verify keeps its row as it was, past UpdateAge; the session
// endpoint, which may write, slides it (so the check can fail).
func TestVerifyNeverWritesSessionRow(t *testing.T) {
	zero := Duration(0)
	fx := newFixture(t, &File{Users: testUsers(), Database: t.TempDir() + "/auth.db",
		Session: SessionFile{UpdateAge: Duration(time.Second), CacheTTL: &zero}}, nil)
	c := browser()
	fx.signIn(c, "viewer@example.com", "/")
	var token string
	u, _ := url.Parse(fx.http.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "authjs.session-token" {
			token = ck.Value
		}
	}
	ctx := context.Background()
	before, err := fx.srv.db.GetSession(ctx, token)
	if err != nil || before == nil {
		t.Fatalf("session row: %v %v", before, err)
	}
	time.Sleep(1100 * time.Millisecond) // past UpdateAge
	for range 5 {
		if r := fx.verify(fx.cookies(c), "https://app.test/", nil); r.StatusCode != 200 {
			t.Fatalf("verify %d", r.StatusCode)
		}
	}
	after, _ := fx.srv.db.GetSession(ctx, token)
	if !after.Expires.Equal(before.Expires) || !after.LastSeenAt.Equal(before.LastSeenAt) {
		t.Fatalf("verify wrote the row: expires %v → %v, last seen %v → %v", before.Expires, after.Expires, before.LastSeenAt, after.LastSeenAt)
	}
	resp, err := c.Get(fx.url("/api/auth/session"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if slid, _ := fx.srv.db.GetSession(ctx, token); !slid.Expires.After(before.Expires) {
		t.Fatal("GET /session did not slide the row either: the check above proves nothing")
	}
}

// SIGTERM (ctx cancelled): readiness fails, new connections are refused,
// a request in flight finishes.
func TestGracefulShutdown(t *testing.T) {
	s, err := New(context.Background(), &File{Users: testUsers()}, envOf(map[string]string{"AUTH_SECRET": testSecret, "AUTH_URL": "http://127.0.0.1/api/auth"}), io.Discard, false)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() { done <- s.Serve(ctx, ln) }()

	// A request in flight: headers sent, half the body still to come.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := "email=viewer%40example.com&password=x&csrfToken=y"
	fmt.Fprintf(conn, "POST /api/auth/callback/credentials HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s", addr, len(body), body[:10])
	time.Sleep(100 * time.Millisecond) // the server is reading the body
	cancel()
	eventually(t, "new connections refused", func() string {
		if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
			c.Close()
			return "still accepting"
		}
		if !s.draining.Load() {
			return "readiness not failed"
		}
		return ""
	})
	if _, err := io.WriteString(conn, body[10:]); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v", err)
	}
	resp.Body.Close()
	conn.Close()
	if code := <-done; code != 0 || resp.StatusCode == 0 {
		t.Fatalf("Serve returned %d, in-flight status %d", code, resp.StatusCode)
	}
	t.Logf("in-flight request answered %d during shutdown", resp.StatusCode)
}

// With OTEL_EXPORTER_OTLP_ENDPOINT set, requests are traced over OTLP/HTTP
// with spans named by route.
func TestTracing(t *testing.T) {
	var mu sync.Mutex
	var got []byte
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		if r.URL.Path == "/v1/traces" {
			got = append(got, b...)
		}
		mu.Unlock()
	}))
	defer collector.Close()
	fx := newFixture(t, &File{Users: testUsers()}, map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": collector.URL})
	fx.verify("", "https://app.test/", nil)
	fx.get("/api/auth/providers")
	fx.srv.Close() // flushes the spans
	mu.Lock()
	defer mu.Unlock()
	for _, want := range []string{"GET /api/auth/verify", "GET /api/auth/providers", "authgo"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("no span %q sent to the collector (%d bytes)", want, len(got))
		}
	}
}
