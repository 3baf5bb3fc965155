package authgo_test

import (
	"context"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/input"
	"github.com/authgo/authgo/providers"
)

func TestCredentialsInputValidation(t *testing.T) {
	f := newFixture(t, nil)
	// A bad email and a short password: back to the built-in sign-in page
	// (signin_form_test.go), with a message beside each field; Authorize
	// never runs.
	resp := f.signIn("not-an-email", "short")
	resp = f.do("GET", strings.TrimPrefix(location(t, resp), f.srv.URL), nil, nil)
	b := readAll(t, resp)
	if resp.StatusCode != 200 || !strings.Contains(b, "Enter an email address like name@example.com.") || !strings.Contains(b, "Passwords have at least 8 characters.") {
		t.Fatalf("%d %s", resp.StatusCode, b)
	}
	// JSON clients get the fields.
	form := map[string][]string{"email": {"x"}, "password": {strings.Repeat("p", 1025)}, "csrfToken": {f.csrf()}}
	resp = f.do("POST", "/api/auth/callback/credentials", form, map[string]string{"Accept": "application/json"})
	var out struct {
		Error, Code string
		Fields      map[string]string
	}
	decodeJSON(t, resp, &out)
	if resp.StatusCode != 400 || out.Code != "invalid_input" || out.Fields["email"] == "" || out.Fields["password"] != "Passwords have at most 1024 bytes." {
		t.Fatalf("%d %+v", resp.StatusCode, out)
	}
	// next-auth/react keeps its contract: a redirect URL with the code.
	resp = f.do("POST", "/api/auth/callback/credentials", form, map[string]string{"X-Auth-Return-Redirect": "1"})
	var red map[string]string
	decodeJSON(t, resp, &red)
	if !strings.HasSuffix(red["url"], "/api/auth/signin?error=CredentialsSignin&code=invalid_input") {
		t.Fatalf("%v", red)
	}
	if f.authorized.Load() != 0 {
		t.Fatal("Authorize ran on invalid input")
	}
	// The email reaches Authorize normalised.
	if got := location(t, f.signIn("  ADA@Example.COM ", "correct horse battery")); got != f.srv.URL {
		t.Fatalf("normalised email refused: %s", got)
	}
}

// inputFixture serves a credentials provider with the input rules in whose
// Authorize records what it receives and accepts one account of an
// existing backend: "  Ada@Example.COM" with the four-character password
// "pw42", compared byte for byte.
func inputFixture(t *testing.T, in input.Rules) (*fixture, func() authgo.Credentials) {
	var mu sync.Mutex
	var got authgo.Credentials
	f := newFixture(t, func(c *authgo.Config) {
		c.Providers = []authgo.Provider{providers.Credentials(providers.CredentialsConfig{
			Input: in,
			Authorize: func(_ context.Context, cr authgo.Credentials, _ *http.Request) (*authgo.User, error) {
				mu.Lock()
				got = maps.Clone(cr)
				mu.Unlock()
				if cr["email"] == "  Ada@Example.COM" && cr["password"] == "pw42" {
					return &authgo.User{ID: "legacy-7", Email: cr["email"]}, nil
				}
				return nil, nil
			},
		})}
	})
	return f, func() authgo.Credentials {
		mu.Lock()
		defer mu.Unlock()
		c := got
		got = nil
		return c
	}
}

// Issue 9 item 4: an existing backend's users sign in with what they
// always typed. With providers.InputAsIs a four-character password reaches
// Authorize, and the email arrives byte-identical (spaces, case, full-width
// letters), so a case-sensitive backend finds its user.
func TestCredentialsInputAsIs(t *testing.T) {
	f, received := inputFixture(t, providers.InputAsIs())
	if got := location(t, f.signIn("  Ada@Example.COM", "pw42")); got != f.srv.URL {
		t.Fatalf("existing user with a short password: sent to %s", got)
	}
	if c := received(); c["email"] != "  Ada@Example.COM" || c["password"] != "pw42" {
		t.Fatalf("Authorize received %q / %q", c["email"], c["password"])
	}
	for _, email := range []string{"ＡＤＡ@ｅｘａｍｐｌｅ.ｃｏｍ", "not an address", "ada@example.com\t"} {
		f.signIn(email, "x")
		if c := received(); c["email"] != email || c["password"] != "x" {
			t.Fatalf("sent %q / x, Authorize received %q / %q", email, c["email"], c["password"])
		}
	}
	// Fields marked Required (both default fields are) still must not be
	// empty; Authorize does not run for them.
	if b := f.formErrors("ada@example.com", ""); !strings.Contains(b, "Enter your password.") || received() != nil {
		t.Fatalf("empty required password: %s", b)
	}
	// The hard bound on every value stays.
	f.signIn("  Ada@Example.COM", strings.Repeat("p", 1025))
	if received() != nil {
		t.Fatal("a 1025-byte password reached Authorize")
	}
}

// The zero input.Rules are today's rules, unchanged: Authorize receives the
// normalised address and never sees a password under 8 characters.
func TestCredentialsInputDefaults(t *testing.T) {
	f, received := inputFixture(t, input.Rules{})
	if b := f.formErrors("  Ada@Example.COM", "pw42"); !strings.Contains(b, "Passwords have at least 8 characters.") || received() != nil {
		t.Fatalf("short password: Authorize ran or message missing: %s", b)
	}
	f.signIn("  ＡＤＡ@Example.COM ", "long enough password")
	if c := received(); c["email"] != "ada@example.com" {
		t.Fatalf("Authorize received %q, want the normalised address", c["email"])
	}
}

// Each rule on its own: a longer minimum, a lower maximum, and an email
// that is checked but arrives as typed.
func TestCredentialsInputCustom(t *testing.T) {
	f, received := inputFixture(t, input.Rules{MinPasswordLen: 12, MaxPasswordLen: 64, Email: input.EmailChecked})
	for pw, msg := range map[string]string{
		"eleven char":           "Passwords have at least 12 characters.",
		strings.Repeat("p", 65): "Passwords have at most 64 bytes.",
	} {
		if b := f.formErrors("ada@example.com", pw); !strings.Contains(b, msg) || received() != nil {
			t.Fatalf("password of %d bytes: want %q: %s", len(pw), msg, b)
		}
	}
	if b := f.formErrors("ada@", "twelve chars"); !strings.Contains(b, "Enter an email address like name@example.com.") || received() != nil {
		t.Fatalf("bad address with EmailChecked: %s", b)
	}
	f.signIn(" Ada@Example.COM", "twelve chars")
	if c := received(); c["email"] != " Ada@Example.COM" {
		t.Fatalf("EmailChecked: Authorize received %q, want the address as typed", c["email"])
	}
}

// Rules that cannot work fail at New with a sentence naming the field.
func TestCredentialsInputRulesRefused(t *testing.T) {
	for _, tc := range []struct {
		in   input.Rules
		want string
	}{
		{input.Rules{MaxPasswordLen: 4096}, "CredentialsConfig.Input.MaxPasswordLen is 4096; use 1 to 1024 bytes"},
		{input.Rules{MaxPasswordLen: -1}, "CredentialsConfig.Input.MaxPasswordLen is -1"},
		{input.Rules{MinPasswordLen: 20, MaxPasswordLen: 16}, "CredentialsConfig.Input.MinPasswordLen 20 is above MaxPasswordLen 16"},
		{input.Rules{Email: 7}, "CredentialsConfig.Input.Email is 7"},
	} {
		_, err := authgo.New(authgo.Config{Secret: []string{testSecret}, URL: "https://app.example/api/auth", LookupEnv: func(string) (string, bool) { return "", false },
			Providers: []authgo.Provider{providers.Credentials(providers.CredentialsConfig{Input: tc.in, Authorize: func(context.Context, authgo.Credentials, *http.Request) (*authgo.User, error) { return nil, nil }})}})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: New returned %v, want %q", tc.in, err, tc.want)
		}
	}
}
