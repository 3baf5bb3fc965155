package csrf

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

func TestIssueReuseAndVerify(t *testing.T) {
	c := New([]string{"secret-one"})
	tok, cookie := c.Issue("")
	if len(tok) != 64 || cookie == "" {
		t.Fatalf("fresh issue: token %q cookie %q", tok, cookie)
	}
	again, none := c.Issue(cookie)
	if again != tok || none != "" {
		t.Fatalf("valid cookie not reused")
	}
	if !c.Verify(cookie, tok) {
		t.Fatal("matching token refused")
	}
	if c.Verify(cookie, strings.Repeat("0", 64)) || c.Verify(cookie, "") || c.Verify("", tok) {
		t.Fatal("wrong or missing token accepted")
	}
}

func TestCookieBoundToSecret(t *testing.T) {
	_, cookie := New([]string{"a"}).Issue("")
	if _, ok := New([]string{"b"}).FromCookie(cookie); ok {
		t.Fatal("cookie made with another secret accepted")
	}
	tok, _, _ := strings.Cut(cookie, "|")
	if New([]string{"b"}).Verify(tok+"|"+strings.Repeat("f", 64), tok) {
		t.Fatal("forged hash accepted")
	}
}

// Auth.js hashes token + String(secretArray), i.e. the secrets comma-joined.
func TestMultiSecretHashIsCommaJoined(t *testing.T) {
	tok := strings.Repeat("ab", 32)
	sum := sha256.Sum256([]byte(tok + "new,old"))
	cookie := tok + "|" + hex.EncodeToString(sum[:])
	if !New([]string{"new", "old"}).Verify(cookie, tok) {
		t.Fatal("Auth.js multi-secret cookie refused")
	}
}

func TestMalformedCookies(t *testing.T) {
	c := New([]string{"s"})
	for _, v := range []string{"", "|", "abc|def", strings.Repeat("a", 64), strings.Repeat("a", 64) + "|", "x|" + strings.Repeat("a", 64)} {
		if _, ok := c.FromCookie(v); ok {
			t.Errorf("%q accepted", v)
		}
		if tok, nc := c.Issue(v); nc == "" || len(tok) != 64 {
			t.Errorf("%q: no fresh token issued", v)
		}
	}
}

func TestCookieValueEncoding(t *testing.T) {
	if got := CookieValue("aa|bb"); got != "aa%7Cbb" {
		t.Fatal(got)
	}
}

func FuzzFromCookie(f *testing.F) {
	c := New([]string{"s"})
	_, good := c.Issue("")
	f.Add(good)
	f.Add("a|b")
	f.Fuzz(func(t *testing.T, v string) {
		tok, ok := c.FromCookie(v)
		if ok && (len(tok) != 64 || !strings.HasPrefix(v, tok+"|")) {
			t.Fatalf("accepted %q as %q", v, tok)
		}
	})
}
