package authgo

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// FuzzSafeRedirect: whatever the target, the default redirect rule returns
// a URL on the base origin.
func FuzzSafeRedirect(f *testing.F) {
	for _, s := range []string{"/dashboard", "https://evil.example", "//evil", "/\\evil", "javascript:alert(1)", "http://app.example.com@evil.example", "/%2F%2Fevil", "\t//evil", "https://app.example.com/x", "HTTPS://APP.EXAMPLE.COM/y", "/a?b=//c", "https://app.example.com.evil.example/"} {
		f.Add(s)
	}
	const base = "https://app.example.com"
	f.Fuzz(func(t *testing.T, target string) {
		out := safeRedirect(target, base)
		u, err := url.Parse(out)
		if err != nil {
			t.Fatalf("%q → unparsable %q", target, out)
		}
		if !strings.EqualFold(u.Scheme, "https") || !strings.EqualFold(u.Host, "app.example.com") || u.User != nil {
			t.Fatalf("%q → %q leaves the origin", target, out)
		}
		// What a browser does with the Location: resolve it against the page.
		b, _ := url.Parse(base + "/api/auth/callback/credentials")
		if r, err := b.Parse(out); err == nil && !strings.EqualFold(r.Host, "app.example.com") {
			t.Fatalf("%q → %q resolves to host %q", target, out, r.Host)
		}
	})
}

// FuzzParseBody: any body and content type is parsed or refused, never a
// panic, and a parsed body holds only what was sent.
func FuzzParseBody(f *testing.F) {
	f.Add("application/x-www-form-urlencoded", "email=a%40b.c&password=x&csrfToken=y")
	f.Add("application/json", `{"csrfToken":"x","data":{"name":"n"},"n":1,"b":true}`)
	f.Add("application/json; charset=utf-8", `{"a":`)
	f.Add("text/plain", "a=b")
	f.Add("", "a=%zz")
	f.Fuzz(func(t *testing.T, ct, payload string) {
		r := httptest.NewRequest("POST", "/api/auth/callback/credentials", strings.NewReader(payload))
		if ct != "" {
			r.Header.Set("Content-Type", ct)
		}
		b, err := parseBody(httptest.NewRecorder(), r)
		if err != nil {
			return
		}
		for k, v := range b.values {
			if len(k)+len(v) > len(payload)+len(ct) && !strings.Contains(payload, k) {
				t.Fatalf("value %q=%q not from the body", k, v)
			}
		}
	})
}

func TestParseBodyLimits(t *testing.T) {
	r := httptest.NewRequest("POST", "/", strings.NewReader(strings.Repeat("a", MaxBodyBytes+1)))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if _, err := parseBody(httptest.NewRecorder(), r); !errors.Is(err, errBodyTooLarge) {
		t.Fatalf("oversized body: %v, want errBodyTooLarge", err)
	}
	r = httptest.NewRequest("POST", "/", http.NoBody)
	if b, err := parseBody(httptest.NewRecorder(), r); err != nil || len(b.values) != 0 {
		t.Fatal("empty body refused")
	}
}
