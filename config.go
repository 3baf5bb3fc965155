package authgo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/internal/oauth"
	"github.com/authgo/authgo/internal/pages"
)

// Config configures an Auth. The zero value of every field is a documented
// default; a secret (or AUTH_SECRET), and URL (or AUTH_URL) or TrustHost
// (or AUTH_TRUST_HOST), are required.
type Config struct {
	// Secret encrypts session tokens and binds CSRF tokens. Secret[0]
	// encrypts; every element decrypts, so a new secret can be put first
	// while tokens made with the old one stay valid. Each must be at least
	// 32 bytes (`authgo secret` makes one) unless AllowShortSecret is set.
	// Default: AUTH_SECRET (a comma-separated list is split), preceded by
	// AUTH_SECRET_3, AUTH_SECRET_2, AUTH_SECRET_1 when set, as Auth.js
	// orders them; NEXTAUTH_SECRET as a last resort.
	Secret []string
	// AllowShortSecret accepts secrets under 32 bytes, e.g. to share the
	// existing, shorter secret of a Next.js app. Prefer a long secret.
	AllowShortSecret bool
	// Development is for local runs (Auth.js's NODE_ENV !== "production").
	// It allows running without a secret (a random one is made at New, so
	// sessions end when the process does, and a warning logged), without
	// URL or TrustHost (the origin comes from the Host header), and with
	// plain-http OAuth endpoints on any host. Default false. Never set it
	// in production.
	Development bool

	// URL is the public URL of the auth endpoints, e.g.
	// https://example.com/api/auth; its origin is used for redirects and
	// provider callback URLs (whatever Host header a request carries), its
	// path as BasePath. Default: AUTH_URL, else NEXTAUTH_URL.
	//
	// New requires URL or TrustHost (or Development): without either, a
	// forged Host header would choose the URLs authgo builds, and New
	// fails, as Auth.js answers UntrustedHost.
	URL string
	// BasePath is where Handler is mounted. Default "/api/auth", or the
	// path of URL.
	BasePath string
	// TrustHost takes the origin of each request from its Host header and
	// TLS, or from X-Forwarded-Host and X-Forwarded-Proto when present: set
	// it when no single URL fits (several host names) and a proxy you
	// control sets or checks those headers. Unused when URL is set.
	// Default: AUTH_TRUST_HOST (1, true or yes), else false.
	TrustHost bool

	// Providers are the ways to sign in, in the order the sign-in page
	// shows them. Their ids must be unique. Default: none, for an app that
	// only reads sessions made elsewhere (a Satellite, an API behind a
	// Next.js app).
	Providers []Provider
	// Adapter stores users, accounts and sessions. Optional for JWT
	// sessions with credentials only. Default: nil.
	Adapter adapter.Adapter

	// Session configures sessions; see SessionConfig for the defaults.
	Session SessionConfig
	// Cookies overrides cookie names and attributes. Default: Auth.js's
	// names and attributes.
	Cookies CookiesConfig
	// UseSecureCookies forces the __Secure-/__Host- cookie names and the
	// Secure attribute on (true) or off (false). Default: on when the
	// request (or URL) is https.
	UseSecureCookies *bool

	// Callbacks shape sign-in, tokens and sessions. Default: Auth.js's
	// behaviour for each nil callback.
	Callbacks Callbacks
	// Events are told of sign-ins, sign-outs and changes. Default: none.
	Events Events
	// Pages replace the built-in pages with the app's own. Default: the
	// built-in pages.
	Pages Pages
	// Theme styles the built-in pages. Default: Auth.js's look.
	Theme Theme

	// Satellite makes this Auth a satellite of a main app on a sibling
	// host: no providers, sign-ins sent to the main app. Default: nil.
	Satellite *SatelliteConfig

	// Access configures route guards and role checks; see AccessConfig
	// for the defaults.
	Access AccessConfig
	// Revocation configures "sign out everywhere" for JWT sessions; see
	// RevocationConfig for the defaults.
	Revocation RevocationConfig

	// RateLimit configures login rate limiting, on by default; see
	// RateLimitConfig for the limits.
	RateLimit RateLimitConfig

	// Logger receives authgo's log lines. Default: slog.Default(). No
	// secret, token or password is ever logged.
	Logger *slog.Logger
	// LookupEnv reads the environment. Default: os.LookupEnv.
	LookupEnv func(key string) (string, bool)
	// Now is the clock. Default: time.Now.
	Now func() time.Time
}

// SessionStrategy is where sessions live.
type SessionStrategy string

// The session strategies.
const (
	// StrategyJWT keeps the session in an encrypted cookie (Auth.js's "jwt").
	StrategyJWT SessionStrategy = "jwt"
	// StrategyDatabase keeps sessions in the adapter; the cookie holds a
	// random session token.
	StrategyDatabase SessionStrategy = "database"
)

// SessionConfig configures sessions.
type SessionConfig struct {
	// Strategy is StrategyJWT (default without an Adapter) or
	// StrategyDatabase (default with one, as Auth.js).
	Strategy SessionStrategy
	// MaxAge is how long an idle session lives. Default 30 days. Each read
	// slides it forward.
	MaxAge time.Duration
	// MaxAuthAge is the absolute lifetime of a session: however often it
	// is read, a session signed in longer ago than this reads as signed out
	// (its cookie is cleared, a database row deleted) and the user must
	// sign in again. Default 0: no limit, as in Auth.js, where reads slide
	// a session forward for ever. The start is the auth_time claim of a JWT
	// (set at sign-in, kept on every re-issue) or the CreatedAt of a
	// database session; cookies and rows are never given an expiry past
	// it. A JWT without auth_time (issued by Next.js) counts from its iat
	// the first time authgo reads it (it is given that auth_time), one
	// with neither claim, and a database row without a creation time, as
	// already expired.
	//
	// OWASP ASVS 3.3.2 asks for re-authentication within 30 days at level
	// 1 (MaxAuthAge 30 days), and within 12 hours or 30 minutes idle at
	// level 2 (MaxAuthAge 12 hours, MaxAge 30 minutes).
	MaxAuthAge time.Duration
	// UpdateAge is how often a database session's expiry is written back.
	// Default 24 hours. Unused by JWT sessions, which are re-encoded on
	// every read.
	UpdateAge time.Duration
	// GenerateToken makes database session tokens. Default: 32 random
	// bytes, hex.
	GenerateToken func() string
	// RecordClientIP stores the client IP on database sessions (shown in
	// session lists). Off by default: an IP address is personal data.
	RecordClientIP bool
	// AcceptNextAuthV4 reads NextAuth v4 session cookies
	// (next-auth.session-token, JWE A256GCM) when a request has no v5
	// one, and replaces them with v5 cookies: an app upgrading from
	// next-auth v4 keeps its users signed in. JWT strategy only.
	AcceptNextAuthV4 bool
	// CacheTTL keeps database session lookups in process this long (e.g.
	// 2s) to spare the database on busy apps. Sign-out and revocation
	// through this Auth drop entries at once; other instances within the
	// TTL. Default 0: no cache.
	CacheTTL time.Duration
}

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

// Pages are the app's own pages that replace the built-in ones. Each is a
// path (or URL) on the app; empty keeps the built-in page.
type Pages struct {
	SignIn        string
	SignOut       string
	Error         string
	VerifyRequest string
	// NewUser is where a user goes after the sign-in that created them.
	NewUser string
}

// Theme styles the built-in pages.
type Theme struct {
	// ColorScheme is "auto" (default, follows the browser), "light" or "dark".
	ColorScheme string
	// BrandColor is a CSS colour for buttons and accents, e.g. "#346df1".
	BrandColor string
	// Logo is the URL of an image shown above the forms.
	Logo string
	// ButtonText is the CSS colour of text on brand-coloured buttons.
	ButtonText string
}

const (
	defaultBasePath  = "/api/auth"
	defaultMaxAge    = 30 * 24 * time.Hour
	defaultUpdateAge = 24 * time.Hour
	minSecretLen     = 32
)

var providerIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// ConfigError is a mistake in Config, reported by New.
type ConfigError struct{ msg string }

// Error returns the sentence that says what to set.
func (e *ConfigError) Error() string { return "authgo: " + e.msg }

func configErr(format string, args ...any) error {
	return &ConfigError{msg: fmt.Sprintf(format, args...)}
}

// normalize fills the defaults of c from the environment and checks it. It
// returns a copy; c is not changed.
func (c Config) normalize() (Config, error) {
	if c.LookupEnv == nil {
		c.LookupEnv = os.LookupEnv
	}
	env := func(k string) string { v, _ := c.LookupEnv(k); return strings.TrimSpace(v) }
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}

	if len(c.Secret) == 0 {
		c.Secret = SecretsFromEnv(c.LookupEnv)
	}
	if len(c.Secret) == 0 {
		if !c.Development {
			return c, configErr("no secret: set Config.Secret or the AUTH_SECRET environment variable to 32 or more random bytes (run `authgo secret` to make one)")
		}
		c.Secret = []string{randomToken()}
		c.Logger.Warn("authgo: development mode without a secret; using a random one, so sessions end when the process does")
	}
	for i, s := range c.Secret {
		if s == "" {
			return c, configErr("secret %d is empty: remove it or set it", i+1)
		}
		if len(s) < minSecretLen && !c.AllowShortSecret {
			return c, configErr("secret %d is %d bytes; use at least %d random bytes (run `authgo secret`), or set Config.AllowShortSecret to share an existing app's shorter secret", i+1, len(s), minSecretLen)
		}
	}

	if err := c.normalizeURL(env); err != nil {
		return c, err
	}

	// Providers.
	seen := map[string]bool{}
	for i, p := range c.Providers {
		if p == nil {
			return c, configErr("provider %d is nil", i+1)
		}
		id := p.ID()
		if !providerIDPattern.MatchString(id) {
			return c, configErr("provider %d has the id %q; use lower-case letters, digits, - and _ (e.g. \"github\")", i+1, id)
		}
		if seen[id] {
			return c, configErr("two providers have the id %q; give one of them another id", id)
		}
		seen[id] = true
		if err := validateProvider(p, ProviderSettings{Development: c.Development}); err != nil {
			return c, configErr("provider %q: %v", id, err)
		}
		switch p.Type() {
		case TypeCredentials:
			if _, ok := p.(CredentialsProvider); !ok {
				return c, configErr("provider %q has type credentials but does not implement CredentialsProvider", id)
			}
		case TypeOAuth, TypeOIDC:
			if _, ok := p.(oauth.Provider); !ok {
				return c, configErr("provider %q has type %s but is not an OAuth provider: make it with providers.OAuth2, providers.OIDC or a preset", id, p.Type())
			}
		case TypeEmail:
			if err := checkEmailProvider(p, c); err != nil {
				return c, err
			}
		default:
			return c, configErr("provider %q has the unknown type %q; use one of oauth, oidc, credentials, email", id, p.Type())
		}
	}

	if err := c.Session.normalize(c.Adapter != nil); err != nil {
		return c, err
	}

	for _, p := range []struct{ name, v string }{{"SignIn", c.Pages.SignIn}, {"SignOut", c.Pages.SignOut}, {"Error", c.Pages.Error}, {"VerifyRequest", c.Pages.VerifyRequest}, {"NewUser", c.Pages.NewUser}} {
		if p.v != "" && !strings.HasPrefix(p.v, "/") {
			if u, err := url.Parse(p.v); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
				return c, configErr("Pages.%s %q is neither a path (/login) nor an http(s) URL", p.name, p.v)
			}
		}
	}
	if err := (pages.Theme{ColorScheme: c.Theme.ColorScheme, BrandColor: c.Theme.BrandColor, Logo: c.Theme.Logo, ButtonText: c.Theme.ButtonText}).Validate(); err != nil {
		return c, configErr("Theme: %v", err)
	}
	if err := c.normalizeSatellite(); err != nil {
		return c, err
	}
	if err := c.Cookies.validate(c.Satellite != nil); err != nil {
		return c, err
	}
	c.Access.normalize()
	if err := c.RateLimit.normalize(); err != nil {
		return c, err
	}
	return c, nil
}

// normalizeURL fills URL and TrustHost from AUTH_URL (NEXTAUTH_URL) and
// AUTH_TRUST_HOST, sets BasePath from URL's path, and refuses a Config that
// would take its origin from a Host header nobody vouches for.
func (c *Config) normalizeURL(env func(string) string) error {
	if c.URL == "" {
		c.URL = env("AUTH_URL")
		if c.URL == "" {
			c.URL = env("NEXTAUTH_URL")
		}
	}
	if c.URL != "" {
		u, err := url.Parse(c.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return configErr("URL %q is not an http(s) URL like https://example.com/api/auth: set Config.URL or AUTH_URL to the public URL of the auth endpoints", c.URL)
		}
		if p := strings.TrimRight(u.Path, "/"); p != "" && c.BasePath == "" {
			c.BasePath = p
		}
	}
	if !c.TrustHost {
		switch strings.ToLower(env("AUTH_TRUST_HOST")) {
		case "1", "true", "yes":
			c.TrustHost = true
		}
	}
	if c.URL == "" && !c.TrustHost && !c.Development {
		// Auth.js answers every request of such an app with UntrustedHost;
		// refusing it here says so before the first request.
		return configErr("no public URL (UntrustedHost): set Config.URL or AUTH_URL to the public URL of the auth endpoints, e.g. https://example.com/api/auth; " +
			"or, behind a proxy you control that sets the Host header (and X-Forwarded-Host), set Config.TrustHost or AUTH_TRUST_HOST=true. " +
			"Without either, a forged Host header would choose the URLs authgo builds (provider callback URLs, redirects). Config.Development trusts the Host header for local runs")
	}
	if c.BasePath == "" {
		c.BasePath = defaultBasePath
	}
	c.BasePath = "/" + strings.Trim(c.BasePath, "/")
	if c.BasePath == "/" || strings.ContainsAny(c.BasePath, "?#%\\ ") {
		return configErr("BasePath %q is not a path like /api/auth", c.BasePath)
	}
	return nil
}

// validateProvider runs the provider's own check, if it has one.
func validateProvider(p Provider, s ProviderSettings) error {
	switch v := p.(type) {
	case ProviderValidator:
		return v.ValidateProvider(s)
	case interface{ Validate() error }:
		return v.Validate()
	}
	return nil
}

// emit tells an event handler (if one is set) what happened, logging (never
// returning) its error or panic: events cannot break a request.
func emit[E any](ctx context.Context, log *slog.Logger, name string, handler func(context.Context, E) error, e E) {
	if handler == nil {
		return
	}
	defer func() {
		if v := recover(); v != nil {
			log.ErrorContext(ctx, "authgo: event panicked", "event", name, "type", "EventError", "panic", fmt.Sprint(v))
		}
	}()
	if err := handler(ctx, e); err != nil {
		log.ErrorContext(ctx, "authgo: event failed", "event", name, "type", "EventError", "err", err)
	}
}

var errNoSession = errors.New("no session")

// normalize fills the session defaults and checks them; hasAdapter tells
// whether Config.Adapter is set.
func (s *SessionConfig) normalize(hasAdapter bool) error {
	if s.Strategy == "" {
		s.Strategy = StrategyJWT
		if hasAdapter {
			s.Strategy = StrategyDatabase
		}
	}
	switch s.Strategy {
	case StrategyJWT:
	case StrategyDatabase:
		if !hasAdapter {
			return configErr("Session.Strategy is database but there is no Adapter to keep sessions in: set Config.Adapter, or use StrategyJWT")
		}
	default:
		return configErr("Session.Strategy %q is unknown; use %q or %q", s.Strategy, StrategyJWT, StrategyDatabase)
	}
	if s.MaxAge < 0 || s.UpdateAge < 0 || s.MaxAuthAge < 0 {
		return configErr("Session.MaxAge, Session.UpdateAge and Session.MaxAuthAge must not be negative")
	}
	if s.MaxAge == 0 {
		s.MaxAge = defaultMaxAge
	}
	if s.UpdateAge == 0 {
		s.UpdateAge = defaultUpdateAge
	}
	if s.GenerateToken == nil {
		s.GenerateToken = randomToken
	}
	return nil
}

// SecretsFromEnv returns the secrets that lookup (os.LookupEnv, or
// Config.LookupEnv) gives, in Auth.js's order: AUTH_SECRET_3, _2, _1, then
// AUTH_SECRET split at commas, or NEXTAUTH_SECRET when AUTH_SECRET is
// unset. The first encrypts; all decrypt. New reads them this way when
// Config.Secret is empty; a nil lookup is os.LookupEnv.
func SecretsFromEnv(lookup func(string) (string, bool)) []string {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	env := func(k string) string { v, _ := lookup(k); return strings.TrimSpace(v) }
	var out []string
	for _, k := range []string{"AUTH_SECRET_3", "AUTH_SECRET_2", "AUTH_SECRET_1"} {
		if v := env(k); v != "" {
			out = append(out, v)
		}
	}
	main := env("AUTH_SECRET")
	if main == "" {
		main = env("NEXTAUTH_SECRET")
	}
	for s := range strings.SplitSeq(main, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
