package serve

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/internal/limittest"
)

// A Java app behind authgo serve: Tomcat reads /public/..;/admin as
// /admin (it cuts ";…" off each segment, then resolves ".."), nginx and
// Caddy pass it on as it is. Before the fix verify let a viewer (200) and
// a signed-out client through the public rule to the app's /admin; now
// every such path meets the /admin rule.
func TestAttackVerifyServletPathParameters(t *testing.T) {
	fx := newFixture(t, &File{Users: testUsers(), Access: appRules()}, nil)
	c := browser()
	fx.signIn(c, "viewer@example.com", "/")
	vc := fx.cookies(c)
	for _, target := range []string{
		"https://app.test/public/..;/admin",
		"https://app.test/public/..;x=1/admin/users",
		"https://app.test/public/.;/..;/admin",
		"https://app.test/public/%2e%2e;/admin",
		"https://app.test/admin%00.jsp",
	} {
		if r := fx.verify(vc, target, nil); r.StatusCode != http.StatusForbidden {
			t.Errorf("viewer: %s = %d, want 403", target, r.StatusCode)
		}
		if r := fx.verify("", target, nil); r.StatusCode != http.StatusFound {
			t.Errorf("signed out: %s = %d, want 302 (sign in)", target, r.StatusCode)
		}
	}
}

// nginx builds X-Original-URL from the Host header the client sent. The
// README's server block was the only one, so nginx's default server: a
// request naming any other host reached it, and verify judged it by the
// rules of that host. Before the fix a viewer sent Host: x.test to the
// app's nginx and got the app's /admin through the "*.test: any signed-in
// user" rule; now the snippet's default server drops requests for host
// names it does not serve.
func TestAttackNginxForeignHostHeader(t *testing.T) {
	fx, origin := startNginx(t, AccessFile{Rules: []RuleFile{
		{Host: "127.0.0.1", Path: "/admin", Roles: []string{"admin"}},
		{Host: "127.0.0.1"},
		{Host: "*.test"},
	}})
	c := browser()
	fx.signIn(c, "viewer@example.com", "/")
	var cookie string
	for _, ck := range c.Jar.Cookies(mustURL(t, origin)) {
		cookie += ck.Name + "=" + ck.Value + "; "
	}
	get := func(host string) (int, string) {
		req, _ := http.NewRequest("GET", origin+"/admin/settings", nil)
		req.Host = host
		req.Header.Set("Cookie", cookie)
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			return 0, err.Error() // the connection was dropped
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if st, _ := get(strings.TrimPrefix(origin, "http://")); st != http.StatusForbidden {
		t.Fatalf("viewer on the app's /admin: %d, want 403", st)
	}
	if st, body := get("x.test"); st == http.StatusOK {
		t.Errorf("viewer with Host: x.test reached the app's /admin: %d %.200s", st, body)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Someone signs up with an address before the operator lists it in the
// config file (a passkey sign-up proves no mailbox). Before the fix the
// next start gave that stranger's user the file's role — admin — so
// their passkey signed in as an admin. Now a start that finds the address
// taken by a user nobody verified, under another id than the file's,
// refuses to run and says what to do.
func TestAttackConfigRoleOnSomeoneElsesSignUp(t *testing.T) {
	db := t.TempDir() + "/auth.db"
	env := map[string]string{"AUTHGO_DATABASE_URL": db}
	viewer := testUsers()[2:]
	fx := newFixture(t, &File{Users: viewer}, env)
	if _, err := fx.srv.db.CreateUser(t.Context(), adapter.User{Email: "boss@example.com"}); err != nil {
		t.Fatal(err)
	}
	boss := UserFile{Email: "boss@example.com", Name: "Boss", Role: "admin", PasswordHash: hashOnce()}
	f := &File{Users: append(viewer, boss)}
	e := map[string]string{"AUTH_SECRET": testSecret, "AUTH_URL": "http://127.0.0.1:1/api/auth", "AUTHGO_DATABASE_URL": db}
	s, err := New(t.Context(), f, envOf(e), &limittest.Logs{}, false)
	if err == nil {
		s.Close()
		u, _ := fx.srv.db.GetUserByEmail(t.Context(), "boss@example.com")
		t.Fatalf("the start adopted a stranger's sign-up as the file's admin: %+v", u)
	}
	if !strings.Contains(err.Error(), "boss@example.com") || !strings.Contains(err.Error(), "verified") {
		t.Errorf("the refusal does not say what is wrong: %v", err)
	}
}
