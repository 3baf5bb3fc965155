package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter/memory"
	authredis "github.com/authgo/authgo/adapter/redis"
	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/email"
	"github.com/authgo/authgo/mfa"
	"github.com/authgo/authgo/passkey"
	"github.com/authgo/authgo/providers"
	"github.com/authgo/authgo/ratelimit"
)

// Server is an assembled authgo serve: the auth endpoints, verify, the
// operations endpoints. Close it to close its stores.
type Server struct {
	cfg      resolved
	auth     *authgo.Auth
	db       *authsql.Adapter // nil without a database
	rdb      *goredis.Client  // nil without Redis
	metrics  *metrics
	log      *slog.Logger
	verifier *verifier
	handler  http.Handler
	draining atomic.Bool
	tracing  func(context.Context) error
	closed   sync.Once
}

// resolved is the configuration after the file and the environment were
// read: what --check prints.
type resolved struct {
	file        *File
	url         string // the public URL of the auth endpoints, "" with AUTH_TRUST_HOST
	database    string
	databaseSrc string
	redis       string
	redisSrc    string
	strategy    authgo.SessionStrategy
	roles       []string
	trusted     []netip.Prefix
	providers   []authgo.Provider
	users       users
}

// defaultDatabaseCacheTTL is how long verify trusts a database session it
// read: the delay within which a sign-out on one instance is seen by verify
// on the others.
const defaultDatabaseCacheTTL = 2 * time.Second

// New assembles a server from f (nil: no file) and the environment env.
// Logs go to logOut. With check set it connects to nothing: the database
// and Redis are named but not opened (nor migrated), and an in-memory
// store stands in, so that every setting is still checked by authgo.New.
func New(ctx context.Context, f *File, env func(string) (string, bool), logOut io.Writer, check bool) (*Server, error) {
	if f == nil {
		f = &File{}
	}
	get := func(k string) string { v, _ := env(k); return strings.TrimSpace(v) }
	s := &Server{}
	log, err := newLogger(f.Log, logOut)
	if err != nil {
		return nil, err
	}
	rc, err := resolve(f, get, env)
	if err != nil {
		return nil, err
	}
	s.cfg = rc
	revocationStore := "database"
	if rc.redis != "" {
		revocationStore = "redis"
	}
	s.metrics = newMetrics(revocationStore)
	s.log = slog.New(countingHandler{log.Handler(), s.metrics})
	if err := s.open(ctx, check); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.build(get); err != nil {
		s.Close()
		return nil, err
	}
	if !check {
		if s.tracing, err = s.setUpTracing(ctx, get); err != nil {
			s.Close()
			return nil, err
		}
	}
	s.handler = s.routes()
	return s, nil
}

// resolve reads the settings of f and the environment that need no
// connection.
func resolve(f *File, get func(string) string, env func(string) (string, bool)) (resolved, error) {
	rc := resolved{file: f}
	if err := rc.resolveStores(get); err != nil {
		return rc, err
	}
	rc.url = f.URL
	for _, k := range []string{"AUTH_URL", "NEXTAUTH_URL"} {
		if rc.url == "" {
			rc.url = get(k)
		}
	}
	rc.roles = f.Access.Roles
	if len(rc.roles) == 0 {
		rc.roles = []string{"viewer", "editor", "admin"}
	}
	proxies := f.TrustedProxies
	if proxies == nil {
		proxies = []string{"127.0.0.0/8", "::1"}
	}
	var err error
	if rc.trusted, err = parseProxies(proxies); err != nil {
		return rc, err
	}
	if rc.users, err = newUsers(f.Users, rc.roles); err != nil {
		return rc, err
	}
	return rc, rc.resolveProviders(env)
}

// resolveStores reads the database and Redis URLs (the file's, else the
// environment's) and the session strategy.
func (rc *resolved) resolveStores(get func(string) string) error {
	f := rc.file
	rc.database, rc.databaseSrc, rc.redis, rc.redisSrc = f.Database, "config file", f.Redis, "config file"
	if rc.database == "" {
		rc.database, rc.databaseSrc = get("AUTHGO_DATABASE_URL"), "AUTHGO_DATABASE_URL"
	}
	if rc.redis == "" {
		rc.redis, rc.redisSrc = get("AUTHGO_REDIS_URL"), "AUTHGO_REDIS_URL"
	}
	if _, err := databaseKind(rc.database); err != nil {
		return err
	}
	if rc.redis != "" {
		if _, err := goredis.ParseURL(rc.redis); err != nil {
			return fmt.Errorf("redis %s: %w", redactURL(rc.redis), err)
		}
	}
	rc.strategy = authgo.SessionStrategy(f.Session.Strategy)
	switch {
	case rc.strategy == "" && rc.database != "":
		rc.strategy = authgo.StrategyDatabase
	case rc.strategy == "":
		rc.strategy = authgo.StrategyJWT
	case rc.strategy == authgo.StrategyDatabase && rc.database == "":
		return errors.New("session.strategy is database but there is no database: set AUTHGO_DATABASE_URL (or database in the config file), or use jwt")
	case rc.strategy != authgo.StrategyDatabase && rc.strategy != authgo.StrategyJWT:
		return fmt.Errorf("session.strategy %q: use jwt or database", f.Session.Strategy)
	}
	return nil
}

// resolveProviders makes the providers: the file's users with passwords,
// the OAuth providers of the environment, passkeys and email.
func (rc *resolved) resolveProviders(env func(string) (string, bool)) error {
	f := rc.file
	if rc.users.hasPasswords() {
		rc.providers = append(rc.providers, rc.users.provider())
	}
	fromEnv, err := providers.FromEnv(env)
	if err != nil {
		return err
	}
	rc.providers = append(rc.providers, fromEnv...)
	if p := f.Passkeys; p.Enabled {
		if rc.database == "" {
			return errors.New("passkeys: passkeys are stored in the database; set AUTHGO_DATABASE_URL (or database)")
		}
		rc.providers = append(rc.providers, passkey.Provider(passkey.Config{RPID: p.RPID, Origins: p.Origins, DisableSignUp: p.DisableSignUp}))
	}
	if f.Email.SMTP != "" || f.Email.From != "" {
		p, err := emailProvider(f.Email)
		if err != nil {
			return err
		}
		rc.providers = append(rc.providers, p)
	}
	return nil
}

func emailProvider(f EmailFile) (authgo.Provider, error) {
	if f.SMTP == "" || f.From == "" {
		return nil, errors.New("email: set both smtp (smtp://user:pass@host:587) and from")
	}
	c, err := email.ParseSMTPURL(f.SMTP)
	if err != nil {
		return nil, fmt.Errorf("email.smtp: %w", err)
	}
	sender, err := email.NewSMTP(c)
	if err != nil {
		return nil, fmt.Errorf("email.smtp: %w", err)
	}
	maxAge := f.MaxAge.D()
	if maxAge == 0 {
		maxAge = 15 * time.Minute
	}
	return providers.Email(providers.EmailConfig{Options: email.Options{Sender: sender, From: f.From, MaxAge: maxAge}}), nil
}

// open connects the database and Redis (or, for a check, nothing).
func (s *Server) open(ctx context.Context, check bool) error {
	if check {
		return nil
	}
	if s.cfg.database != "" {
		db, err := openDatabase(ctx, s.cfg.database, s.cfg.file.TablePrefix)
		if err != nil {
			return err
		}
		s.db = db
		if err := s.cfg.users.sync(ctx, db); err != nil {
			return err
		}
	}
	if s.cfg.redis != "" {
		rdb, err := openRedis(s.cfg.redis)
		if err != nil {
			return err
		}
		s.rdb = rdb
	}
	return nil
}

// build makes the authgo.Auth and the verifier.
func (s *Server) build(get func(string) string) error {
	f := s.cfg.file
	cfg := authgo.Config{
		URL:              f.URL,
		Providers:        s.cfg.providers,
		UseSecureCookies: f.Cookies.Secure,
		Cookies:          authgo.CookiesConfig{Domain: f.Cookies.Domain},
		Pages:            authgo.Pages(f.Pages),
		Theme:            authgo.Theme(f.Theme),
		Access:           authgo.AccessConfig{Roles: s.cfg.roles},
		Revocation:       authgo.RevocationConfig{CacheTTL: f.Revocation.CacheTTL.D()},
		RateLimit: authgo.RateLimitConfig{
			Disabled: f.RateLimit.Disabled,
			Proxies:  ratelimit.Proxies{Trusted: s.cfg.trusted},
		},
		Session: authgo.SessionConfig{
			Strategy: s.cfg.strategy, MaxAge: f.Session.MaxAge.D(), MaxAuthAge: f.Session.MaxAuthAge.D(),
			UpdateAge: f.Session.UpdateAge.D(), CacheTTL: defaultDatabaseCacheTTL,
		},
		Callbacks: authgo.Callbacks{Redirect: s.redirect, JWT: s.cfg.users.roleJWT},
		Events:    s.metrics.events(authgo.Events{}),
		Logger:    s.log,
		LookupEnv: func(k string) (string, bool) { v := get(k); return v, v != "" },
	}
	if err := s.secondFactor(&cfg); err != nil {
		return err
	}
	if f.RateLimit.FailOpen {
		cfg.RateLimit.FailurePolicy = ratelimit.FailOpen
	}
	if t := f.Session.CacheTTL; t != nil {
		cfg.Session.CacheTTL = max(t.D(), 0)
	}
	switch {
	case s.db != nil:
		cfg.Adapter = s.db
	case s.cfg.database != "":
		cfg.Adapter = memory.New() // --check: stands in for the database
	}
	if s.rdb != nil {
		prefix := f.RedisPrefix
		if prefix == "" {
			prefix = authredis.DefaultPrefix
		}
		cfg.Revocation.Store = authredis.New(s.rdb, authredis.WithPrefix(prefix))
		cfg.RateLimit.Limiter = authredis.NewLimiter(s.rdb, authredis.LimiterOptions{Prefix: prefix + "rl:"})
	}
	auth, err := authgo.New(cfg)
	if err != nil {
		return err
	}
	s.auth = auth
	return s.buildVerifier(get)
}

// secondFactor turns the second factor on in cfg as the file asks.
func (s *Server) secondFactor(cfg *authgo.Config) error {
	f := s.cfg.file.SecondFactor
	if !f.Enabled {
		if len(f.RequiredRoles) > 0 || f.RequiredForAll {
			return errors.New("second_factor: required_roles or required_for_all without enabled: true")
		}
		return nil
	}
	if s.cfg.database == "" {
		return errors.New("second_factor: second factors are stored in the database; set AUTHGO_DATABASE_URL (or database)")
	}
	for _, r := range f.RequiredRoles {
		if !slices.Contains(s.cfg.roles, r) {
			return fmt.Errorf("second_factor.required_roles: %q is not in access.roles (%s)", r, strings.Join(s.cfg.roles, ", "))
		}
	}
	cfg.TwoFactor = authgo.TwoFactorConfig{TOTP: mfa.TOTP{}, RequiredForAll: f.RequiredForAll, TrustedDeviceMaxAge: f.TrustedDeviceMaxAge.D()}
	if roles := f.RequiredRoles; len(roles) > 0 {
		cfg.TwoFactor.Required = func(_ context.Context, u *authgo.User) bool {
			sess := &authgo.Session{User: &authgo.SessionUser{ID: u.ID, Role: u.Role}}
			return slices.ContainsFunc(roles, func(r string) bool { return s.auth.HasRole(sess, r) })
		}
	}
	return nil
}

func (s *Server) buildVerifier(get func(string) string) error {
	f := s.cfg.file
	rs, err := compileRules(f.Access, s.cfg.roles)
	if err != nil {
		return err
	}
	id, err := newIdentity(f.Identity, s.cfg.roles, authgo.SecretsFromEnv(func(k string) (string, bool) { v := get(k); return v, v != "" }))
	if err != nil {
		return err
	}
	base := s.auth.BasePath()
	v := &verifier{auth: s.auth, rules: rs, identity: id, trusted: s.cfg.trusted, base: base,
		signIn: base + "/signin", defaultScheme: "https", metrics: s.metrics, log: s.log, now: time.Now}
	if f.Pages.SignIn != "" {
		v.signIn = f.Pages.SignIn
	}
	if s.cfg.url != "" {
		u, err := url.Parse(s.cfg.url)
		if err != nil {
			return fmt.Errorf("url %q: %w", s.cfg.url, err)
		}
		v.issuer, v.defaultScheme = u.Scheme+"://"+u.Host, u.Scheme
		if strings.HasPrefix(v.signIn, "/") {
			v.signIn = v.issuer + v.signIn
		}
	}
	s.verifier = v
	return nil
}

// Handler returns the server's handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Auth returns the server's authgo.Auth.
func (s *Server) Auth() *authgo.Auth { return s.auth }

// Close ends tracing (sending the spans it holds) and closes the database
// and Redis. Calls after the first do nothing.
func (s *Server) Close() { s.closed.Do(s.close) }

func (s *Server) close() {
	if s.tracing != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = s.tracing(ctx)
		cancel()
	}
	if s.db != nil {
		_ = s.db.Close()
	}
	if s.rdb != nil {
		_ = s.rdb.Close()
	}
}
