package authgo

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

// SatelliteConfig makes an Auth a satellite of a main app: it signs no one
// in itself, but reads, refreshes and guards the sessions the main app
// issues, and sends sign-ins to the main app. The two must share the
// secret and the session cookie (same name, and a Cookies.Domain such as
// "example.com" that covers both hosts).
type SatelliteConfig struct {
	// SignInURL is the main app's sign-in page, an absolute URL such as
	// https://auth.example.com/login. Sign-ins are sent there with an
	// absolute callbackUrl back to the satellite; the main app must allow
	// that redirect (see AllowRedirectHosts).
	SignInURL string
}

func (c *Config) normalizeSatellite() error {
	s := c.Satellite
	if s == nil {
		return nil
	}
	u, err := url.Parse(s.SignInURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return configErr("Satellite.SignInURL %q must be the absolute http(s) URL of the main app's sign-in page", s.SignInURL)
	}
	if len(c.Providers) > 0 {
		return configErr("a satellite signs no one in: remove its Providers, or remove Satellite")
	}
	if c.Access.SignInPage == "" {
		c.Access.SignInPage = s.SignInURL
	}
	return nil
}

// satelliteSignIn sends a sign-in to the main app.
func (a *Auth) satelliteSignIn(w http.ResponseWriter, rq *request) {
	cb := callbackURLParam(rq)
	if cb == "" || strings.HasPrefix(cb, "/") {
		cb = safeRedirect(cb, rq.origin)
	} else {
		cb = a.redirectTarget(rq.r.Context(), rq, cb)
	}
	redirect(w, rq.r, withQuery(a.cfg.Satellite.SignInURL, "callbackUrl", cb))
}

// AllowRedirectHosts returns a Redirect callback that allows, besides the
// app's own origin, URLs on the given hosts: an entry "app.example.com"
// allows that host, ".example.com" every subdomain of example.com (and
// example.com itself). Any other URL becomes baseURL. Use it on a main
// app whose satellites live on sibling hosts.
func AllowRedirectHosts(hosts ...string) func(ctx context.Context, target, baseURL string) string {
	return func(_ context.Context, target, baseURL string) string {
		if strings.HasPrefix(target, "/") {
			return safeRedirect(target, baseURL)
		}
		u, err := url.Parse(target)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.User != nil || strings.ContainsAny(target, "\\\t\r\n") {
			return baseURL
		}
		h := strings.ToLower(u.Hostname())
		for _, allowed := range hosts {
			allowed = strings.ToLower(allowed)
			if h == allowed || (strings.HasPrefix(allowed, ".") && (h == allowed[1:] || strings.HasSuffix(h, allowed))) {
				return target
			}
		}
		return safeRedirect(target, baseURL)
	}
}
