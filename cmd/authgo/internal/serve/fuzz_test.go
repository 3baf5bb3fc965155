package serve

import (
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/authgo/authgo/guardpath"
)

// Whatever a proxy (or a client through it) sends, readOriginal either
// refuses it or gives a URL of a valid host whose path the rules can read.
func FuzzReadOriginal(f *testing.F) {
	f.Add("https://app.test/a?b=c", "", "", "", "", "")
	f.Add("", "https", "app.test:8443", "/admin/..%2Fx", "POST", "")
	f.Add("http://[::1]:80/x", "http", "[::1]:80", "/x", "", "")
	f.Add("", "", "", "", "", "/private?q=1")
	f.Fuzz(func(t *testing.T, orig, proto, host, uri, method, suffix string) {
		r := &http.Request{Method: "GET", Host: "app.test", URL: &url.URL{Path: "/api/auth/verify"}, Header: http.Header{}, RemoteAddr: "127.0.0.1:1"}
		for k, v := range map[string]string{"X-Original-URL": orig, "X-Forwarded-Proto": proto, "X-Forwarded-Host": host, "X-Forwarded-Uri": uri, "X-Forwarded-Method": method} {
			if v != "" {
				r.Header.Set(k, v)
			}
		}
		if suffix != "" && !strings.HasPrefix(suffix, "/") {
			suffix = "/" + suffix
		}
		o, err := readOriginal(r, suffix, peerTrusted(r, []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}), "https")
		if err != nil {
			return
		}
		u, err := url.Parse(o.String())
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !validHost(o.host) || strings.ToLower(u.Hostname()) != o.host {
			t.Fatalf("accepted %q → %q (%v)", []string{orig, proto, host, uri, suffix}, o.String(), err)
		}
		_ = guardpath.Readings(o.request())
	})
}

// A config file of any content loads or fails with an error; it never
// panics.
func FuzzParseFile(f *testing.F) {
	f.Add([]byte(yamlConfig), true)
	f.Add([]byte(tomlConfig), false)
	f.Fuzz(func(t *testing.T, b []byte, isYAML bool) {
		ext := ".toml"
		if isYAML {
			ext = ".yaml"
		}
		cfg, err := parseFile(b, ext)
		if err == nil && cfg == nil {
			t.Fatal("nil config without an error")
		}
		if err == nil {
			_, _ = compileRules(cfg.Access, []string{"viewer", "editor", "admin"})
		}
	})
}
