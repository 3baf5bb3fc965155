package serve

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v3"
)

// File is the config file of authgo serve, YAML (.yaml, .yml) or TOML
// (.toml). Every field is optional; an unknown key is an error. Keys are
// snake_case, as in the README's example.
type File struct {
	// URL is the public URL of the auth endpoints, e.g.
	// https://auth.example.com/api/auth. Default: AUTH_URL.
	URL string `yaml:"url" toml:"url"`
	// Database is a SQLite file path, a postgres:// or a mysql:// URL.
	// Default: AUTHGO_DATABASE_URL; neither: JWT sessions and no store.
	Database string `yaml:"database" toml:"database"`
	// Redis is a redis:// (or rediss://) URL for rate limits and
	// revocation shared by every instance. Default: AUTHGO_REDIS_URL.
	Redis string `yaml:"redis" toml:"redis"`
	// TablePrefix goes before authgo's table names. Default none.
	TablePrefix string `yaml:"table_prefix" toml:"table_prefix"`
	// RedisPrefix goes before every Redis key. Default "authgo:".
	RedisPrefix string `yaml:"redis_prefix" toml:"redis_prefix"`

	Session  SessionFile  `yaml:"session" toml:"session"`
	Cookies  CookiesFile  `yaml:"cookies" toml:"cookies"`
	Pages    PagesFile    `yaml:"pages" toml:"pages"`
	Theme    ThemeFile    `yaml:"theme" toml:"theme"`
	Email    EmailFile    `yaml:"email" toml:"email"`
	Passkeys PasskeysFile `yaml:"passkeys" toml:"passkeys"`
	// SecondFactor turns on authenticator-app codes (TOTP) after every
	// first factor, with backup codes and trusted devices.
	SecondFactor SecondFactorFile `yaml:"second_factor" toml:"second_factor"`
	Users        []UserFile       `yaml:"users" toml:"users"`
	Access       AccessFile       `yaml:"access" toml:"access"`
	Identity     IdentityFile     `yaml:"identity" toml:"identity"`
	RateLimit    RateLimitFile    `yaml:"rate_limit" toml:"rate_limit"`
	Revocation   RevocationFile   `yaml:"revocation" toml:"revocation"`
	// TrustedProxies are the addresses (CIDR or single IP) whose
	// X-Forwarded-*, X-Original-URL and X-Forwarded-For headers are
	// believed. Default: loopback (127.0.0.0/8, ::1).
	TrustedProxies []string   `yaml:"trusted_proxies" toml:"trusted_proxies"`
	Server         ServerFile `yaml:"server" toml:"server"`
	Log            LogFile    `yaml:"log" toml:"log"`
	Tracing        TraceFile  `yaml:"tracing" toml:"tracing"`
}

// SessionFile configures sessions.
type SessionFile struct {
	// Strategy is jwt or database. Default: database with a database,
	// else jwt.
	Strategy string `yaml:"strategy" toml:"strategy"`
	// MaxAge is the idle lifetime. Default 30 days (720h).
	MaxAge Duration `yaml:"max_age" toml:"max_age"`
	// MaxAuthAge is the absolute lifetime. Default none.
	MaxAuthAge Duration `yaml:"max_auth_age" toml:"max_auth_age"`
	// UpdateAge is how often a database session's expiry is written.
	// Default 24h.
	UpdateAge Duration `yaml:"update_age" toml:"update_age"`
	// CacheTTL keeps database session reads in process, so verify calls
	// cost at most one read per session and TTL. Default 2s; "0s" or a
	// negative value turns the cache off.
	CacheTTL *Duration `yaml:"cache_ttl" toml:"cache_ttl"`
}

// CookiesFile configures cookies.
type CookiesFile struct {
	// Domain shares the cookies with subdomains, e.g. example.com, so
	// that apps on app.example.com see the session of
	// auth.example.com. Default: host-only cookies.
	Domain string `yaml:"domain" toml:"domain"`
	// Secure forces the Secure attribute and __Secure- names on or off.
	// Default: on when URL is https.
	Secure *bool `yaml:"secure" toml:"secure"`
}

// PagesFile replaces built-in pages with paths or URLs of your own.
type PagesFile struct {
	SignIn        string `yaml:"sign_in" toml:"sign_in"`
	SignOut       string `yaml:"sign_out" toml:"sign_out"`
	Error         string `yaml:"error" toml:"error"`
	VerifyRequest string `yaml:"verify_request" toml:"verify_request"`
	NewUser       string `yaml:"new_user" toml:"new_user"`
}

// ThemeFile styles the built-in pages.
type ThemeFile struct {
	ColorScheme string `yaml:"color_scheme" toml:"color_scheme"`
	BrandColor  string `yaml:"brand_color" toml:"brand_color"`
	Logo        string `yaml:"logo" toml:"logo"`
	ButtonText  string `yaml:"button_text" toml:"button_text"`
}

// EmailFile turns on sign-in by email link and code.
type EmailFile struct {
	// SMTP is the server's URL, smtp://user:pass@host:587 (see
	// email.ParseSMTPURL). Empty: no email sign-in.
	SMTP string `yaml:"smtp" toml:"smtp"`
	// From is the sender address. Required with SMTP.
	From string `yaml:"from" toml:"from"`
	// MaxAge is how long a link or code is valid. Default 15m.
	MaxAge Duration `yaml:"max_age" toml:"max_age"`
}

// PasskeysFile turns on sign-in with passkeys (WebAuthn), stored in the
// database's authenticators table. It needs a database.
type PasskeysFile struct {
	Enabled bool `yaml:"enabled" toml:"enabled"`
	// RPID is the host name passkeys are bound to; a parent domain
	// (example.com) lets every subdomain use them. Default: the host of
	// the URL.
	RPID string `yaml:"rp_id" toml:"rp_id"`
	// Origins are the origins a ceremony may run on. Default: the URL's.
	Origins []string `yaml:"origins" toml:"origins"`
	// DisableSignUp lets only signed-in users register a passkey.
	DisableSignUp bool `yaml:"disable_sign_up" toml:"disable_sign_up"`
}

// SecondFactorFile configures the second factor. It needs a database.
type SecondFactorFile struct {
	Enabled bool `yaml:"enabled" toml:"enabled"`
	// RequiredRoles must use a second factor (a user with one of these
	// roles or a higher one); others may enrol. Default none.
	RequiredRoles []string `yaml:"required_roles" toml:"required_roles"`
	// RequiredForAll requires it of every user. Default false.
	RequiredForAll bool `yaml:"required_for_all" toml:"required_for_all"`
	// TrustedDeviceMaxAge is how long "don't ask again on this device"
	// lasts. Default 30 days (720h); negative: not offered.
	TrustedDeviceMaxAge Duration `yaml:"trusted_device_max_age" toml:"trusted_device_max_age"`
}

// UserFile is a user who signs in with email and password (the
// "credentials" provider), and gives the role of a user who signs in
// another way with the same email.
type UserFile struct {
	// ID is the user id (the sub claim). Default: the email.
	ID    string `yaml:"id" toml:"id"`
	Email string `yaml:"email" toml:"email"`
	Name  string `yaml:"name" toml:"name"`
	Role  string `yaml:"role" toml:"role"`
	// PasswordHash is an argon2id (PHC) or bcrypt hash, as
	// `authgo serve --hash-password` prints it. Empty: this user cannot
	// sign in with a password (the entry gives the role only).
	PasswordHash string `yaml:"password_hash" toml:"password_hash"`
}

// AccessFile holds the forward-auth rules.
type AccessFile struct {
	// Roles is the role hierarchy, lowest first. Default viewer, editor,
	// admin.
	Roles []string `yaml:"roles" toml:"roles"`
	// Default applies to a request no rule matches: deny, signed_in or
	// public. Default: signed_in without rules, deny with rules.
	Default string `yaml:"default" toml:"default"`
	// Rules are tried in order; the first whose host and path match
	// decides.
	Rules []RuleFile `yaml:"rules" toml:"rules"`
	// RedirectHosts are hosts (or *.domain) a sign-in may return to
	// besides the auth server's own and the rules' hosts.
	RedirectHosts []string `yaml:"redirect_hosts" toml:"redirect_hosts"`
}

// RuleFile is one access rule.
type RuleFile struct {
	// Host is the protected host, app.example.com or *.example.com; a
	// host without a port matches every port. Default: every host.
	Host string `yaml:"host" toml:"host"`
	// Path is a path prefix matched on segment boundaries (/admin
	// matches /admin and /admin/x, not /administrator). Default "/".
	Path string `yaml:"path" toml:"path"`
	// Allow is public (no session needed), signed_in or deny. Default
	// signed_in, or the Roles when they are set.
	Allow string `yaml:"allow" toml:"allow"`
	// Roles lets in users with one of these roles or a higher one.
	Roles []string `yaml:"roles" toml:"roles"`
}

// IdentityFile configures the identity headers of verify answers.
type IdentityFile struct {
	// Styles are header sets: "oauth2-proxy" (X-Auth-Request-User,
	// -Email, -Groups, -Preferred-Username) and "authelia" (Remote-User,
	// -Email, -Groups, -Name). Default both.
	Styles []string `yaml:"styles" toml:"styles"`
	// Headers adds headers: name → id, email, name, role, groups or
	// image.
	Headers map[string]string `yaml:"headers" toml:"headers"`
	// User is the field the *-User headers carry: id (default) or email.
	User string `yaml:"user" toml:"user"`
	// Signed adds a signed identity header. Default off.
	Signed SignedFile `yaml:"signed" toml:"signed"`
}

// SignedFile configures the signed identity header: a compact JWS (EdDSA
// by default) the upstream checks with the keys at /.well-known/jwks.json.
type SignedFile struct {
	// Header is the header's name, e.g. X-Authgo-Identity. Empty: off.
	Header string `yaml:"header" toml:"header"`
	// TTL is the token's lifetime. Default 60s.
	TTL Duration `yaml:"ttl" toml:"ttl"`
	// KeyFile is a PEM PKCS#8 private key (Ed25519, P-256 or RSA).
	// Default: an Ed25519 key derived from the first secret, the same
	// on every instance.
	KeyFile string `yaml:"key_file" toml:"key_file"`
}

// RateLimitFile configures sign-in rate limits.
type RateLimitFile struct {
	Disabled bool `yaml:"disabled" toml:"disabled"`
	// FailOpen allows sign-ins when the limiter (Redis) fails. Default
	// false: refused.
	FailOpen bool `yaml:"fail_open" toml:"fail_open"`
}

// RevocationFile configures JWT revocation.
type RevocationFile struct {
	// CacheTTL is how long a revocation answer is trusted: the delay
	// within which every instance refuses a revoked session. Default 1s.
	CacheTTL Duration `yaml:"cache_ttl" toml:"cache_ttl"`
}

// ServerFile sets the HTTP server's timeouts.
type ServerFile struct {
	ReadHeaderTimeout Duration `yaml:"read_header_timeout" toml:"read_header_timeout"` // default 10s
	ReadTimeout       Duration `yaml:"read_timeout" toml:"read_timeout"`               // default 30s
	WriteTimeout      Duration `yaml:"write_timeout" toml:"write_timeout"`             // default 30s
	IdleTimeout       Duration `yaml:"idle_timeout" toml:"idle_timeout"`               // default 2m
	ShutdownTimeout   Duration `yaml:"shutdown_timeout" toml:"shutdown_timeout"`       // default 20s
}

// LogFile configures logs.
type LogFile struct {
	// Format is json (default) or text.
	Format string `yaml:"format" toml:"format"`
	// Level is debug, info (default), warn or error.
	Level string `yaml:"level" toml:"level"`
}

// TraceFile turns on OpenTelemetry tracing over OTLP/HTTP, configured by
// the standard OTEL_EXPORTER_OTLP_* variables. Setting
// OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT turns
// it on as well.
type TraceFile struct {
	Enabled bool `yaml:"enabled" toml:"enabled"`
	// ServiceName names the service in traces. Default authgo.
	ServiceName string `yaml:"service_name" toml:"service_name"`
}

// Duration is a time.Duration written as Go writes it: 90s, 15m, 720h.
type Duration time.Duration

// UnmarshalText reads a duration.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(strings.TrimSpace(string(b)))
	if err != nil {
		return fmt.Errorf("%q is not a duration like 90s, 15m or 720h", b)
	}
	*d = Duration(v)
	return nil
}

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// maxFileSize bounds a config file.
const maxFileSize = 1 << 20

// LoadFile reads the config file at path: YAML for .yaml and .yml, TOML
// for .toml. An unknown key, a value of the wrong type or a second
// document is an error naming the file and, where the parser gives it,
// the line.
func LoadFile(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	if len(b) > maxFileSize {
		return nil, fmt.Errorf("config file %s: larger than %d bytes", path, maxFileSize)
	}
	f, err := parseFile(b, strings.ToLower(filepath.Ext(path)))
	if err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	return f, nil
}

// parseFile decodes b as the format of ext.
func parseFile(b []byte, ext string) (*File, error) {
	var f File
	switch ext {
	case ".yaml", ".yml":
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&f); err != nil && !errors.Is(err, io.EOF) {
			return nil, errors.New(yamlUnknown.ReplaceAllString(err.Error(), `unknown key "$1"`))
		}
		var extra any
		if err := dec.Decode(&extra); err == nil {
			return nil, errors.New("more than one YAML document; put everything in one")
		}
	case ".toml":
		md, err := toml.NewDecoder(bytes.NewReader(b)).Decode(&f)
		if err != nil {
			return nil, err
		}
		if un := md.Undecoded(); len(un) > 0 {
			keys := make([]string, len(un))
			for i, k := range un {
				keys[i] = k.String()
			}
			return nil, fmt.Errorf("unknown key %s", strings.Join(keys, ", "))
		}
	default:
		return nil, fmt.Errorf("unknown format %q: name the file .yaml, .yml or .toml", ext)
	}
	return &f, nil
}

// yamlUnknown finds the YAML decoder's words for an unknown key, which
// name a Go type the user never wrote.
var yamlUnknown = regexp.MustCompile(`field (\S+) not found in type \S+`)
