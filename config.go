package authgo

import (
	"fmt"
	"log/slog"
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

	// TwoFactor turns on the second factor (authenticator apps, backup
	// codes, trusted devices) on every sign-in path; off by default. See
	// TwoFactorConfig.
	TwoFactor TwoFactorConfig

	// Logger receives authgo's log lines. Default: slog.Default(). No
	// secret, token or password is ever logged.
	Logger *slog.Logger
	// LookupEnv reads the environment. Default: os.LookupEnv.
	LookupEnv func(key string) (string, bool)
	// Now is the clock. Default: time.Now.
	Now func() time.Time
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
	// defaultJWTUpdateAge is Session.JWTUpdateAge's default (capped at
	// MaxAge/4).
	defaultJWTUpdateAge = time.Minute
	minSecretLen        = 32
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
// returns a copy; c is not changed. Each section of Config has its own step.
func (c Config) normalize() (Config, error) {
	c.normalizeBasics()
	env := func(k string) string { v, _ := c.LookupEnv(k); return strings.TrimSpace(v) }
	if err := c.normalizeSecrets(); err != nil {
		return c, err
	}
	if err := c.normalizeURL(env); err != nil {
		return c, err
	}
	if err := c.checkProviders(); err != nil {
		return c, err
	}
	if err := c.Session.normalize(c.Adapter != nil); err != nil {
		return c, err
	}
	if err := c.Pages.validate(); err != nil {
		return c, err
	}
	if err := c.Theme.validate(); err != nil {
		return c, err
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
	if err := c.normalizeTwoFactor(); err != nil {
		return c, err
	}
	return c, nil
}

// normalizeBasics fills the environment lookup, the logger and the clock.
func (c *Config) normalizeBasics() {
	if c.LookupEnv == nil {
		c.LookupEnv = os.LookupEnv
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// checkProviders checks that each provider has a unique, well-formed id,
// passes its own validation and is of a type authgo can run.
func (c *Config) checkProviders() error {
	seen := make(map[string]bool, len(c.Providers))
	for i, p := range c.Providers {
		if p == nil {
			return configErr("provider %d is nil", i+1)
		}
		id := p.ID()
		if !providerIDPattern.MatchString(id) {
			return configErr("provider %d has the id %q; use lower-case letters, digits, - and _ (e.g. \"github\")", i+1, id)
		}
		if seen[id] {
			return configErr("two providers have the id %q; give one of them another id", id)
		}
		seen[id] = true
		if err := validateProvider(p, ProviderSettings{Development: c.Development}); err != nil {
			return configErr("provider %q: %v", id, err)
		}
		if err := c.checkProviderType(p); err != nil {
			return err
		}
	}
	return nil
}

// checkProviderType checks that p implements what its Type promises.
func (c *Config) checkProviderType(p Provider) error {
	id := p.ID()
	switch p.Type() {
	case TypeCredentials:
		if _, ok := p.(CredentialsProvider); !ok {
			return configErr("provider %q has type credentials but does not implement CredentialsProvider", id)
		}
		if pp, ok := p.(PasswordProvider); ok {
			return checkPasswordProvider(pp, *c)
		}
	case TypeOAuth, TypeOIDC:
		if _, ok := p.(oauth.Provider); !ok {
			return configErr("provider %q has type %s but is not an OAuth provider: make it with providers.OAuth2, providers.OIDC or a preset", id, p.Type())
		}
	case TypeEmail:
		return checkEmailProvider(p, *c)
	case TypeWebAuthn:
		return checkWebAuthnProvider(p, *c)
	default:
		return configErr("provider %q has the unknown type %q; use one of oauth, oidc, credentials, email, webauthn", id, p.Type())
	}
	return nil
}

// validate checks that each page is a path on the app or an http(s) URL.
func (p Pages) validate() error {
	for _, pg := range []struct{ name, v string }{{"SignIn", p.SignIn}, {"SignOut", p.SignOut}, {"Error", p.Error}, {"VerifyRequest", p.VerifyRequest}, {"NewUser", p.NewUser}} {
		if pg.v == "" || strings.HasPrefix(pg.v, "/") {
			continue
		}
		if u, err := url.Parse(pg.v); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
			return configErr("Pages.%s %q is neither a path (/login) nor an http(s) URL", pg.name, pg.v)
		}
	}
	return nil
}

// validate checks the theme's colours, scheme and logo URL.
func (t Theme) validate() error {
	if err := (pages.Theme{ColorScheme: t.ColorScheme, BrandColor: t.BrandColor, Logo: t.Logo, ButtonText: t.ButtonText}).Validate(); err != nil {
		return configErr("Theme: %v", err)
	}
	return nil
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
