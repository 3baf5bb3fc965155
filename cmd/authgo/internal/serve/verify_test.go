package serve

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// appRules protect app.test: /admin for admins, /editor for editors and
// up, /public for everyone, the rest of app.test for any signed-in user;
// other hosts are denied.
func appRules() AccessFile {
	return AccessFile{Rules: []RuleFile{
		{Host: "app.test", Path: "/admin", Roles: []string{"admin"}},
		{Host: "app.test", Path: "/editor", Roles: []string{"editor"}},
		{Host: "app.test", Path: "/public", Allow: "public"},
		{Host: "app.test"},
	}}
}

func TestVerifyDecisions(t *testing.T) {
	fx := newFixture(t, &File{Users: testUsers(), Access: appRules()}, nil)
	viewer, admin := browser(), browser()
	fx.signIn(viewer, "viewer@example.com", "/")
	fx.signIn(admin, "admin@example.com", "/")
	vc, ac := fx.cookies(viewer), fx.cookies(admin)

	// Signed out: a page request goes to sign in with the original URL.
	resp := fx.verify("", "https://app.test/private/page?x=1", nil)
	want := fx.url("/api/auth/signin?callbackUrl=" + url.QueryEscape("https://app.test/private/page?x=1"))
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != want {
		t.Fatalf("signed out: %d %q, want 302 %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	// nginx (?status=401), API clients and non-GET requests get 401 with the
	// same Location.
	for name, extra := range map[string]map[string]string{
		"status=401": nil,
		"json":       {"Accept": "application/json"},
		"post":       {"X-Forwarded-Method": "POST"},
	} {
		req := fx.url("/api/auth/verify")
		if name == "status=401" {
			extra = map[string]string{}
		}
		r := fx.verifyAt(req, name == "status=401", "", "https://app.test/private", extra)
		if r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.Header.Get("Location"), "callbackUrl=") {
			t.Errorf("%s: %d %q, want 401 with Location", name, r.StatusCode, r.Header.Get("Location"))
		}
	}
	for _, tc := range []struct {
		name, cookie, target string
		status               int
	}{
		{"public signed out", "", "https://app.test/public/x", 200},
		{"viewer page", vc, "https://app.test/private", 200},
		{"viewer admin", vc, "https://app.test/admin", 403},
		{"viewer editor", vc, "https://app.test/editor/x", 403},
		{"admin admin", ac, "https://app.test/admin/users", 200},
		{"admin editor (hierarchy)", ac, "https://app.test/editor", 200},
		{"other host denied by default", ac, "https://other.test/", 403},
		{"port ignored by a rule without one", vc, "https://app.test:8443/private", 200},
		// Every reading of the path must pass: routers that decode %2F,
		// fold case or drop ;params cannot route around /admin.
		{"encoded slash", vc, "https://app.test/public/..%2Fadmin", 403},
		{"dot segments", vc, "https://app.test/public/../admin", 403},
		{"case", vc, "https://app.test/ADMIN", 403},
		{"matrix", vc, "https://app.test/admin;x/y", 403},
		{"double slash", vc, "https://app.test//admin", 403},
		{"public case needs sign-in", "", "https://app.test/PUBLIC", 302},
	} {
		if r := fx.verify(tc.cookie, tc.target, nil); r.StatusCode != tc.status {
			t.Errorf("%s: %s = %d, want %d", tc.name, tc.target, r.StatusCode, tc.status)
		}
	}
}

// verifyAt is verify against the URL u, with ?status=401 when s401.
func (fx *fixture) verifyAt(u string, s401 bool, cookie, target string, extra map[string]string) *http.Response {
	if s401 {
		u += "?status=401"
	}
	fx.t.Helper()
	tu, _ := url.Parse(target)
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("X-Original-URL", tu.String())
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	for k, v := range extra {
		req.Header.Set(k, v)
	}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		fx.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func TestVerifyIdentityHeaders(t *testing.T) {
	fx := newFixture(t, &File{Users: testUsers()}, nil)
	c := browser()
	fx.signIn(c, "editor@example.com", "/")
	resp := fx.verify(fx.cookies(c), "https://app.test/x", nil)
	want := map[string]string{
		"X-Auth-Request-User": "editor@example.com", "X-Auth-Request-Email": "editor@example.com",
		"X-Auth-Request-Groups": "viewer,editor", "X-Auth-Request-Preferred-Username": "Eddie Editor",
		"Remote-User": "editor@example.com", "Remote-Email": "editor@example.com",
		"Remote-Groups": "viewer,editor", "Remote-Name": "Eddie Editor",
	}
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if len(resp.Cookies()) != 0 {
		t.Errorf("verify set cookies: %v", resp.Cookies())
	}
	// Signed out on a public path: every header present and empty, so a
	// proxy that copies them overwrites what the client sent.
	fx2 := newFixture(t, &File{Access: AccessFile{Default: "public"}, Identity: IdentityFile{Styles: []string{"authelia"}, Headers: map[string]string{"X-User-Role": "role"}}}, nil)
	resp = fx2.verify("", "https://app.test/", map[string]string{"Remote-User": "forged"})
	if resp.StatusCode != 200 {
		t.Fatalf("public: %d", resp.StatusCode)
	}
	for _, h := range []string{"Remote-User", "Remote-Email", "Remote-Groups", "Remote-Name", "X-User-Role"} {
		if v, ok := resp.Header[h]; !ok || len(v) != 1 || v[0] != "" {
			t.Errorf("%s = %q (present %v), want present and empty", h, v, ok)
		}
	}
	if _, ok := resp.Header["X-Auth-Request-User"]; ok {
		t.Error("oauth2-proxy headers sent though only authelia was asked for")
	}
}

func TestVerifyRefusesUntrustedForwarding(t *testing.T) {
	fx := newFixture(t, &File{Users: testUsers(), TrustedProxies: []string{"10.9.9.9"}}, nil)
	resp := fx.verify("", "https://app.test/x", nil)
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("untrusted peer with forwarding headers: %d, want 400", resp.StatusCode)
	}
	if !strings.Contains(fx.logs.String(), "not a trusted proxy") {
		t.Fatalf("no log line saying why: %s", fx.logs.String())
	}
	// Logs are JSON lines.
	for line := range strings.SplitSeq(strings.TrimSpace(fx.logs.String()), "\n") {
		var v map[string]any
		if err := json.Unmarshal([]byte(line), &v); err != nil || v["msg"] == nil || v["level"] == nil {
			t.Fatalf("log line is not JSON with msg and level: %q", line)
		}
	}
}

func TestVerifyForwardingHeaderSpoofs(t *testing.T) {
	fx := newFixture(t, &File{Users: testUsers(), Access: appRules()}, nil)
	c := browser()
	fx.signIn(c, "viewer@example.com", "/")
	vc := fx.cookies(c)
	for name, extra := range map[string]map[string]string{
		// nginx sets X-Original-URL; a client-sent X-Forwarded-Uri it passes
		// along must not pick another path.
		"uri disagrees":  {"X-Original-URL": "https://app.test/admin", "X-Forwarded-Uri": "/public"},
		"host disagrees": {"X-Original-URL": "https://app.test/admin", "X-Forwarded-Uri": "/admin", "X-Forwarded-Host": "public.test"},
		"two hosts":      {"X-Forwarded-Host": "app.test, other.test"},
		"bad proto":      {"X-Forwarded-Proto": "gopher"},
		"relative uri":   {"X-Forwarded-Uri": "admin"},
		"bad host":       {"X-Forwarded-Host": "app.test/evil"},
		"no uri at all":  {"X-Forwarded-Host": "", "X-Forwarded-Uri": "", "X-Forwarded-Proto": "", "X-Forwarded-Method": ""},
	} {
		if r := fx.verify(vc, "https://app.test/admin", extra); r.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", name, r.StatusCode)
		}
	}
	// Agreeing headers are fine.
	if r := fx.verify(vc, "https://app.test/private", map[string]string{"X-Original-URL": "https://app.test/private"}); r.StatusCode != 200 {
		t.Errorf("agreeing headers: %d", r.StatusCode)
	}
}

// Envoy's ext_authz (HTTP) sends the original method, path and Host with
// path_prefix /api/auth/verify in front of the path.
func TestVerifyEnvoyPathPrefix(t *testing.T) {
	fx := newFixture(t, &File{Users: testUsers(), Access: appRules()}, nil)
	c := browser()
	fx.signIn(c, "viewer@example.com", "/")
	do := func(method, path string) *http.Response {
		req, _ := http.NewRequest(method, fx.url("/api/auth/verify"+path), nil)
		req.Host = "app.test"
		req.Header.Set("X-Forwarded-Proto", "https")
		req.Header.Set("Cookie", fx.cookies(c))
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if r := do("GET", "/private?q=1"); r.StatusCode != 200 || r.Header.Get("Remote-User") != "viewer@example.com" {
		t.Fatalf("allowed: %d %q", r.StatusCode, r.Header.Get("Remote-User"))
	}
	for _, path := range []string{"/admin/delete", "/public/..%2Fadmin", "/public/%2E%2E/admin", "/ADMIN"} {
		if r := do("POST", path); r.StatusCode != 403 {
			t.Errorf("%s: %d, want 403", path, r.StatusCode)
		}
	}
	if r := do("GET", "/public/x%2Fy"); r.StatusCode != 200 {
		t.Errorf("public path with an escape: %d", r.StatusCode)
	}
}
