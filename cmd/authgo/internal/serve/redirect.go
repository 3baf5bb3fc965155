package serve

import (
	"context"
	"net/url"
	"strings"
)

// redirect is the Redirect callback: besides the auth server's own origin,
// a sign-in may return to the hosts of the rules, access.redirect_hosts
// and, with cookies.domain, that domain and its subdomains — the apps the
// server protects. Anything else goes to the auth server's origin.
func (s *Server) redirect(_ context.Context, target, baseURL string) string {
	if strings.HasPrefix(target, "/") {
		return target // the library checks paths itself
	}
	if len(target) > 4096 || strings.ContainsAny(target, "\\\x00\r\n\t") {
		return baseURL
	}
	u, err := url.Parse(target)
	if err != nil || u.User != nil || u.Opaque != "" || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return baseURL
	}
	b, err := url.Parse(baseURL)
	if err != nil {
		return baseURL
	}
	if strings.EqualFold(u.Host, b.Host) && strings.EqualFold(u.Scheme, b.Scheme) {
		return target
	}
	if u.Scheme == "http" && b.Scheme == "https" {
		return baseURL // never downgrade
	}
	if s.redirectHost(strings.ToLower(u.Hostname()), u.Port()) {
		return target
	}
	return baseURL
}

// redirectHost reports whether host:port is one the server protects.
func (s *Server) redirectHost(host, port string) bool {
	f := s.cfg.file
	if d := strings.ToLower(strings.TrimPrefix(f.Cookies.Domain, ".")); d != "" && (host == d || strings.HasSuffix(host, "."+d)) {
		return true
	}
	for _, r := range s.verifier.rules.list {
		if r.host != "" && r.matchesHost(host, port) {
			return true
		}
	}
	for _, h := range f.Access.RedirectHosts {
		r := &rule{}
		if r.setHost(h) == nil && r.host != "" && r.matchesHost(host, port) {
			return true
		}
	}
	return false
}
