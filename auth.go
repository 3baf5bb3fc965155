package authgo

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/authgo/authgo/guardpath"
	"github.com/authgo/authgo/internal/clip"
	"github.com/authgo/authgo/internal/cookie"
	"github.com/authgo/authgo/internal/csrf"
	"github.com/authgo/authgo/internal/oauth"
	"github.com/authgo/authgo/jwt"
)

// Auth is a configured authentication system: the /api/auth handler, the
// session read for any handler, sign-in and sign-out helpers, middleware
// and role checks. Make one with New; it is safe for concurrent use and
// holds no global state, so several can live in one process.
type Auth struct {
	cfg       Config
	log       *slog.Logger
	codec     *jwt.Codec
	csrf      csrf.Token
	providers map[string]Provider
	order     []Provider
	baseURL   *url.URL // from Config.URL; nil when taken from each request
	origin    string   // scheme://host of baseURL
	cookies   [2]cookie.Set
	cop       *http.CrossOriginProtection
	now       func() time.Time
	sumSeed   maphash.Seed // tokenSum's key

	revocations  *revocations
	sessionCache *sessionCache
	apiPaths     *guardpath.Matcher // Access.APIPrefixes
	signIns      *signInGuard
	email        *emailState   // email sign-in (emailsignin.go)
	accounts     *accountState // password accounts (accounts.go); nil without
	twoFactor    *twoFactor    // nil when TwoFactor is off (mfa*.go)
	busy         busyHold      // refusals held by RateLimit.BusyDelay
}

// New checks cfg and returns the Auth it describes. A mistake in cfg is a
// *ConfigError whose message says what to set.
func New(cfg Config) (*Auth, error) {
	c, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	codec, err := jwt.NewCodec(c.Secret, jwt.WithClock(c.Now))
	if err != nil {
		return nil, configErr("%v", err)
	}
	a := &Auth{
		cfg:       c,
		log:       c.Logger,
		codec:     codec,
		csrf:      csrf.New(c.Secret),
		providers: make(map[string]Provider, len(c.Providers)),
		order:     c.Providers,
		now:       c.Now,
		sumSeed:   maphash.MakeSeed(),

		revocations:  newRevocations(c),
		sessionCache: newSessionCache(c.Session.CacheTTL),
		signIns:      newSignInGuard(c),
		email:        newEmailState(c),
		accounts:     newAccountState(c),
	}
	if a.twoFactor, err = newTwoFactor(c); err != nil {
		return nil, err
	}
	for _, p := range c.Providers {
		a.providers[p.ID()] = p
	}
	if c.URL != "" {
		a.baseURL, _ = url.Parse(c.URL) // checked by normalize
		a.origin = a.baseURL.Scheme + "://" + a.baseURL.Host
	}
	for i, secure := range []bool{false, true} {
		a.cookies[i] = c.Cookies.apply(cookie.Defaults(secure))
	}
	a.apiPaths = guardpath.NewMatcher(c.Access.APIPrefixes, true)
	a.cop = http.NewCrossOriginProtection()
	// An OAuth provider with response_mode=form_post is called back by a
	// cross-site POST from the identity provider; state, nonce and PKCE
	// protect it instead.
	for _, p := range c.Providers {
		if op, ok := p.(oauth.Provider); ok && op.FormPost() {
			a.cop.AddInsecureBypassPattern("POST " + c.BasePath + "/callback/" + p.ID())
		}
	}
	return a, nil
}

// apply overrides defaults with the configured cookie options (checked by
// validate).
func (cc CookiesConfig) apply(s cookie.Set) cookie.Set {
	one := func(o *cookie.Options, c Cookie) {
		if c.Name != "" {
			o.Name = c.Name
		}
		if cc.Domain != "" && !strings.HasPrefix(strings.ToLower(o.Name), strings.ToLower(hostPrefix)) {
			o.Domain = cc.Domain
		}
		if c.Domain != "" {
			o.Domain = c.Domain
		}
		if c.Path != "" {
			o.Path = c.Path
		}
		if c.SameSite != 0 {
			o.SameSite = c.SameSite
		}
	}
	one(&s.SessionToken, cc.SessionToken)
	if cc.SessionHostPrefix && s.SessionToken.Secure {
		o := &s.SessionToken
		o.Name = hostPrefix + strings.TrimPrefix(strings.TrimPrefix(o.Name, "__Secure-"), hostPrefix)
		o.Domain, o.Path = "", "/"
	}
	one(&s.CallbackURL, cc.CallbackURL)
	one(&s.CSRFToken, cc.CSRFToken)
	one(&s.PKCE, cc.PKCE)
	one(&s.State, cc.State)
	one(&s.Nonce, cc.Nonce)
	one(&s.Challenge, cc.Challenge)
	return s
}

// BasePath returns the path the handler serves, e.g. "/api/auth".
func (a *Auth) BasePath() string { return a.cfg.BasePath }

// Providers returns the configured providers, in order.
func (a *Auth) Providers() []Provider { return a.order }

// randomToken returns 32 random bytes, hex.
func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// request is what every action knows about the request it serves.
type request struct {
	r        *http.Request
	origin   string // scheme://host of the app, no trailing slash
	secure   bool
	cookies  *cookie.Set
	action   string
	provider string
	form     *body // the parsed body of a POST; nil otherwise
	readOnly bool  // PeekSession: the session read writes no store
}

// actionURL returns the absolute URL of an auth endpoint.
func (rq *request) actionURL(a *Auth, action string) string {
	return rq.origin + a.cfg.BasePath + "/" + action
}

// newRequest works out the origin and the cookies of r.
func (a *Auth) newRequest(r *http.Request) *request {
	rq := &request{r: r}
	if a.baseURL != nil {
		rq.origin = a.origin
		rq.secure = a.baseURL.Scheme == "https"
	} else {
		scheme, host := "http", r.Host
		if r.TLS != nil {
			scheme = "https"
		}
		if a.cfg.TrustHost {
			if h := firstHeaderValue(r.Header.Get("X-Forwarded-Host")); h != "" {
				host = h
			}
			if p := firstHeaderValue(r.Header.Get("X-Forwarded-Proto")); p == "https" || p == "http" {
				scheme = p
			}
		}
		if !validHost(host) {
			host = "localhost"
		}
		rq.origin = scheme + "://" + host
		rq.secure = scheme == "https"
	}
	if a.cfg.UseSecureCookies != nil {
		rq.secure = *a.cfg.UseSecureCookies
	}
	if rq.secure {
		rq.cookies = &a.cookies[1]
	} else {
		rq.cookies = &a.cookies[0]
	}
	return rq
}

func firstHeaderValue(v string) string {
	v, _, _ = strings.Cut(v, ",")
	return strings.TrimSpace(v)
}

// validHost accepts a host[:port] made of the characters a host name or an
// IP literal may have, so a forged Host header cannot smuggle a path,
// credentials or whitespace into the URLs authgo builds.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '.', c == '-', c == ':', c == '[', c == ']', c == '_':
		default:
			return false
		}
	}
	return true
}

// Handler returns the http.Handler of the Auth.js endpoints. Mount it at
// the base path, e.g. mux.Handle("/api/auth/", auth.Handler()).
//
// A POST body may hold at most MaxBodyBytes (64 KiB); a larger one is
// answered 413. A callbackUrl parameter (query or body) that is not a path
// or an http(s) URL fails the request, as in Auth.js; a callback-url
// cookie with such a value is ignored and cleared.
func (a *Auth) Handler() http.Handler { return http.HandlerFunc(a.serveHTTP) }

func (a *Auth) serveHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			a.log.ErrorContext(r.Context(), "authgo: panic in handler", "path", r.URL.Path, "panic", fmt.Sprint(v))
			writeJSON(w, http.StatusInternalServerError, map[string]string{"message": "There was a problem with the server configuration. Check the server logs for more information."})
		}
	}()
	rq := a.newRequest(r)
	action, provider, ok := a.parseAction(r.URL.Path)
	if !ok || (r.Method != http.MethodGet && r.Method != http.MethodPost) {
		badRequest(w)
		return
	}
	rq.action, rq.provider = action, provider
	if r.Method == http.MethodPost {
		if err := a.cop.Check(r); err != nil {
			a.log.WarnContext(r.Context(), "authgo: cross-origin POST refused", "action", action, "origin", r.Header.Get("Origin"))
			http.Error(w, "cross-origin request refused", http.StatusForbidden)
			return
		}
		f, err := parseBody(w, r)
		if err != nil {
			a.log.InfoContext(r.Context(), "authgo: unreadable request body", "action", action, "err", err)
			if errors.Is(err, errBodyTooLarge) {
				bodyTooLarge(w, r)
				return
			}
			if action == "session" {
				writeJSON(w, http.StatusBadRequest, nil)
				return
			}
			a.fail(w, rq, errorf(Configuration, "request body: %v", err))
			return
		}
		rq.form = f
	}
	if err := a.checkCallbackURLParam(rq); err != nil {
		a.configurationFailure(w, rq, err)
		return
	}
	a.clearBadCallbackCookie(w, rq)
	a.route(w, rq)
}

// parseAction splits path into the action and provider id under the base
// path: one or two segments; a provider only for signin, callback and
// webauthn-options.
func (a *Auth) parseAction(path string) (action, provider string, ok bool) {
	rest, found := strings.CutPrefix(path, a.cfg.BasePath+"/")
	if !found || rest == "" {
		return "", "", false
	}
	action, provider, two := strings.Cut(strings.TrimSuffix(rest, "/"), "/")
	switch action {
	case "providers", "session", "csrf", "signout", "verify-request", "error", "passkeys", "webauthn.js":
		return action, "", !two
	case "signin":
		return action, provider, !two || (provider != "" && !strings.Contains(provider, "/"))
	case "account":
		return action, provider, two && provider != "" && !strings.Contains(provider, "/")
	case "two-factor":
		return action, provider, !two || (provider != "" && !strings.Contains(provider, "/"))
	case "callback", "webauthn-options":
		return action, provider, two && provider != "" && !strings.Contains(provider, "/")
	}
	return "", "", false
}

// action is the handler of an Auth.js action, per method; nil where Auth.js
// has none (400 "Bad request.").
type action struct {
	get, post func(*Auth, http.ResponseWriter, *request)
}

// actions is the map of the endpoints under the base path.
var actions = map[string]action{
	"providers":      {get: (*Auth).handleProviders},
	"csrf":           {get: (*Auth).handleCSRF},
	"session":        {get: (*Auth).handleGetSession, post: (*Auth).handleUpdateSession},
	"signin":         {get: (*Auth).handleSignInGet, post: (*Auth).handleSignIn},
	"callback":       {get: (*Auth).handleCallback, post: (*Auth).handleCallback},
	"signout":        {get: (*Auth).handleSignOutPage, post: (*Auth).handleSignOut},
	"error":          {get: (*Auth).handleErrorPage},
	"verify-request": {get: (*Auth).handleVerifyRequestPage},
	// Passkeys: the options of a ceremony (webauthn.go).
	"webauthn-options": {get: (*Auth).handleWebAuthnOptions},
	// Passkey management of the signed-in user (passkeys.go) and the
	// sign-in page's passkey script (webauthnpage.go).
	"passkeys":    {get: (*Auth).handlePasskeysList, post: (*Auth).handlePasskeysChange},
	"webauthn.js": {get: (*Auth).handleWebAuthnScript},
	// Password accounts (accounts.go).
	"account":    {get: (*Auth).handleAccount, post: (*Auth).handleAccount},
	"two-factor": {get: (*Auth).handleTwoFactor, post: (*Auth).handleTwoFactor},
}

// route runs the action of rq.
func (a *Auth) route(w http.ResponseWriter, rq *request) {
	h := actions[rq.action].get
	if rq.r.Method == http.MethodPost {
		h = actions[rq.action].post
	}
	if h == nil {
		badRequest(w)
		return
	}
	h(a, w, rq)
}

// badRequest answers an unknown action as Auth.js does: 400 "Bad request.".
func badRequest(w http.ResponseWriter) {
	writeJSON(w, http.StatusBadRequest, "Bad request.")
}

// provider returns the provider of rq, or an error for an unknown id.
func (a *Auth) provider(rq *request) (Provider, error) {
	p, ok := a.providers[rq.provider]
	if !ok {
		return nil, errorf(InvalidProvider, "no provider with id %q", clip.String(rq.provider, 64))
	}
	return p, nil
}
