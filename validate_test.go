package authgo_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/authgo/authgo"
)

func TestNormalizeEmail(t *testing.T) {
	good := map[string]string{
		"ada@example.com":          "ada@example.com",
		"  Ada@Example.COM\t":      "ada@example.com",
		"ＡＤＡ@ｅｘａｍｐｌｅ.ｃｏｍ":          "ada@example.com", // full-width, folded by NFKC
		"ada+tag@mail.example.org": "ada+tag@mail.example.org",
		"o'brien@example.ie":       "o'brien@example.ie",
		"user@localhost":           "user@localhost",
		"ﬁ@example.com":            "fi@example.com", // ligature, NFKC
	}
	for in, want := range good {
		if got, ok := authgo.NormalizeEmail(in); !ok || got != want {
			t.Errorf("NormalizeEmail(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	bad := []string{
		"", "ada", "@example.com", "ada@", "ada@@example.com", "a@b@example.com",
		"Ada <ada@example.com>", `"ada"@example.com`, "ada @example.com", "ada@exa mple.com",
		"ada@example.com, eve@example.com", "ada@.example.com", "ada@example..com", "ada@example.com.",
		"ada\x00@example.com", "(comment)ada@example.com", "ada@[127.0.0.1]",
		strings.Repeat("a", 65) + "@example.com", "a@" + strings.Repeat("b", 250) + ".com",
	}
	for _, in := range bad {
		if got, ok := authgo.NormalizeEmail(in); ok {
			t.Errorf("NormalizeEmail(%q) = %q, accepted", in, got)
		}
	}
}

func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"ada@example.com", " ADA@EXAMPLE.COM ", "ＡＤＡ@ｅｘａｍｐｌｅ.ｃｏｍ", "a@b@c", "\"q\"@x", "ﬁ@x.y", "a@b..c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, ok := authgo.NormalizeEmail(s)
		if !ok {
			return
		}
		// An accepted address is canonical: normalising it again is a no-op,
		// and it is one plain address within the limits.
		again, ok2 := authgo.NormalizeEmail(out)
		if !ok2 || again != out {
			t.Fatalf("not idempotent: %q -> %q -> %q (%v)", s, out, again, ok2)
		}
		if len(out) > 254 || strings.Count(out, "@") != 1 || !utf8.ValidString(out) || strings.ContainsAny(out, " \t\r\n\"<>,") {
			t.Fatalf("accepted %q as %q", s, out)
		}
	})
}

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
