package authgo

import (
	"net/http"
	"strings"
)

// Cookie overrides one cookie. Empty fields keep the default.
type Cookie struct {
	Name     string
	Domain   string
	Path     string
	SameSite http.SameSite
}

// CookiesConfig overrides cookies. Each cookie keeps its Auth.js name and
// attributes unless a field here says otherwise.
type CookiesConfig struct {
	// Domain is set on every cookie that may carry one (all but those
	// named __Host-, such as the CSRF cookie over https), e.g.
	// "example.com" to share the session with every subdomain. Default:
	// none (host-only cookies).
	Domain string
	// SessionHostPrefix names the session cookie with the __Host- prefix
	// over https: __Host-authjs.session-token instead of
	// __Secure-authjs.session-token (__Host-<name> with a custom
	// SessionToken.Name). Browsers keep a __Host- cookie only when it is
	// Secure, has Path=/ and no Domain, so no other host — a sibling
	// subdomain included — can set or overwrite the session cookie
	// (cookie tossing: planting its own session in the user's browser).
	//
	// The price: the session is shared with no other host, so no
	// subdomains, no Satellite, and a Next.js app on another host cannot
	// read it; an Auth.js app on the same host shares it only if its
	// cookies.sessionToken.name is the same (the name is also the key
	// derivation salt). Over http (local development) the name falls back
	// to authjs.session-token, as Auth.js drops __Secure- there. New
	// refuses it together with Domain, SessionToken.Domain, a
	// SessionToken.Path other than "/", or Satellite. Default: false.
	SessionHostPrefix bool
	// SessionToken overrides the session cookie. Default:
	// authjs.session-token (__Secure-authjs.session-token over https).
	SessionToken Cookie
	// CallbackURL overrides the cookie that remembers the callbackUrl.
	// Default: authjs.callback-url (__Secure- prefixed over https).
	CallbackURL Cookie
	// CSRFToken overrides the CSRF double-submit cookie. Default:
	// authjs.csrf-token (__Host-authjs.csrf-token over https).
	CSRFToken Cookie
	// PKCE overrides the OAuth PKCE verifier cookie. Default:
	// authjs.pkce.code_verifier (__Secure- prefixed over https).
	PKCE Cookie
	// State overrides the OAuth state cookie. Default: authjs.state
	// (__Secure- prefixed over https).
	State Cookie
	// Nonce overrides the OpenID Connect nonce cookie. Default:
	// authjs.nonce (__Secure- prefixed over https).
	Nonce Cookie
	// Challenge overrides the WebAuthn challenge cookie. Default:
	// authjs.challenge (__Secure- prefixed over https).
	Challenge Cookie
}

// hostPrefix is the cookie name prefix browsers bind to one host.
const hostPrefix = "__Host-"

// validate checks the cookie settings (satellite: Config.Satellite is set).
// A __Host- cookie with a Domain or a Path other than "/" is one browsers
// refuse, so signing in would silently never stick.
func (cc *CookiesConfig) validate(satellite bool) error {
	if cc.SessionHostPrefix {
		switch {
		case cc.Domain != "":
			return configErr("Cookies.SessionHostPrefix cannot be combined with Cookies.Domain %q: a __Host- cookie has no Domain. Remove Domain to keep the session on this host, or SessionHostPrefix to share it with subdomains", cc.Domain)
		case cc.SessionToken.Domain != "":
			return configErr("Cookies.SessionHostPrefix cannot be combined with Cookies.SessionToken.Domain %q: a __Host- cookie has no Domain", cc.SessionToken.Domain)
		case satellite:
			return configErr("Cookies.SessionHostPrefix cannot be used by a Satellite: a satellite reads the main app's session cookie from another host, and a __Host- cookie never leaves its host")
		}
	}
	for _, c := range []struct {
		field string
		c     Cookie
		host  bool
	}{
		{"SessionToken", cc.SessionToken, cc.SessionHostPrefix}, {"CallbackURL", cc.CallbackURL, false},
		{"CSRFToken", cc.CSRFToken, false}, {"PKCE", cc.PKCE, false}, {"State", cc.State, false},
		{"Nonce", cc.Nonce, false}, {"Challenge", cc.Challenge, false},
	} {
		host := c.host || strings.HasPrefix(strings.ToLower(c.c.Name), strings.ToLower(hostPrefix))
		if !host {
			continue
		}
		if c.c.Domain != "" {
			return configErr("Cookies.%s.Domain %q is set on a __Host- cookie, which browsers refuse: remove the Domain or the __Host- prefix", c.field, c.c.Domain)
		}
		if c.c.Path != "" && c.c.Path != "/" {
			return configErr("Cookies.%s.Path %q is set on a __Host- cookie, which must have Path=/: remove the Path or the __Host- prefix", c.field, c.c.Path)
		}
	}
	return nil
}
