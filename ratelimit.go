package authgo

import (
	"context"
	"math"
	"net/http"
	"time"

	"github.com/authgo/authgo/ratelimit"
)

// RateLimitConfig configures login rate limiting. It is on by default for
// credentials sign-in: failures are counted per identifier (the email or
// username) and, more widely, per client IP; a successful sign-in forgets
// the identifier's failures. A limited request is answered 429 with
// Retry-After, and the password is not checked for it.
type RateLimitConfig struct {
	// Disabled turns rate limiting off.
	Disabled bool
	// Limiter counts failures. Default: in memory, for one instance; use
	// ratelimit.NewRedis to share the counts across instances.
	Limiter ratelimit.Limiter
	// PerIdentifier limits failures for one identifier. Default 5 per 15
	// minutes.
	PerIdentifier ratelimit.Limit
	// PerIP limits failures from one client IP. Default 50 per 15 minutes.
	PerIP ratelimit.Limit
	// Proxies are the trusted reverse proxies whose forwarding headers say
	// who the client is. Default: none; the client is RemoteAddr.
	Proxies ratelimit.Proxies
	// FailurePolicy applies when the Limiter fails (Redis down). Default
	// ratelimit.FailClosed: refuse sign-ins rather than allow unlimited
	// guessing. Each failure is logged.
	FailurePolicy ratelimit.FailurePolicy
}

func (c *RateLimitConfig) normalize() error {
	if c.Disabled {
		return nil
	}
	if c.PerIdentifier == (ratelimit.Limit{}) {
		c.PerIdentifier = ratelimit.Limit{Events: 5, Per: 15 * time.Minute}
	}
	if c.PerIP == (ratelimit.Limit{}) {
		c.PerIP = ratelimit.Limit{Events: 50, Per: 15 * time.Minute}
	}
	for _, l := range []ratelimit.Limit{c.PerIdentifier, c.PerIP} {
		if l.Events < 1 || l.Per <= 0 {
			return configErr("RateLimit limits need Events >= 1 and Per > 0 (got %d per %v)", l.Events, l.Per)
		}
	}
	if c.Limiter == nil {
		c.Limiter = ratelimit.NewMemory()
	}
	return nil
}

// loginGuard is the rate limit of one sign-in attempt: the keys it is
// counted under.
type loginGuard struct {
	a     *Auth
	ipKey string
	idKey string
	scope string
}

// guardLogin returns the guard of a sign-in attempt by identifier from r's
// client, or nil when rate limiting is off.
func (a *Auth) guardLogin(r *http.Request, scope, identifier string) *loginGuard {
	rl := &a.cfg.RateLimit
	if rl.Disabled {
		return nil
	}
	g := &loginGuard{a: a, scope: scope}
	if ip := rl.Proxies.ClientIP(r); ip.IsValid() {
		g.ipKey = "authgo:" + scope + ":ip:" + ip.String()
	} else {
		g.ipKey = "authgo:" + scope + ":ip:unknown"
	}
	if identifier = normalizeIdentifier(identifier); identifier != "" {
		g.idKey = "authgo:" + scope + ":id:" + identifier
	}
	return g
}

// keyLimit is one key of a guard and the limit it is counted against.
type keyLimit struct {
	key string
	l   ratelimit.Limit
}

// limits returns the guard's keys with their limits: the client IP always,
// the identifier when there is one.
func (g *loginGuard) limits() []keyLimit {
	rl := &g.a.cfg.RateLimit
	out := []keyLimit{{g.ipKey, rl.PerIP}}
	if g.idKey != "" {
		out = append(out, keyLimit{g.idKey, rl.PerIdentifier})
	}
	return out
}

// check refuses the attempt with a RateLimited error when either key is out
// of budget. It counts nothing.
func (g *loginGuard) check(ctx context.Context) error {
	if g == nil {
		return nil
	}
	rl := &g.a.cfg.RateLimit
	worst := time.Duration(0)
	limited := false
	for _, k := range g.limits() {
		res, err := rl.Limiter.Check(ctx, k.key, k.l)
		if err != nil {
			g.a.log.ErrorContext(ctx, "authgo: rate limiter failed", "scope", g.scope, "policy", rl.FailurePolicy.String(), "err", err)
		}
		res = rl.FailurePolicy.Decide(res, err)
		if !res.Allowed {
			limited = true
			worst = max(worst, res.RetryAfter)
		}
	}
	if !limited {
		return nil
	}
	return &Error{Type: RateLimited, RetryAfter: int(math.Ceil(worst.Seconds()))}
}

// fail counts a failed attempt under both keys.
func (g *loginGuard) fail(ctx context.Context) {
	if g == nil {
		return
	}
	rl := &g.a.cfg.RateLimit
	for _, k := range g.limits() {
		if _, err := rl.Limiter.Hit(ctx, k.key, k.l); err != nil {
			g.a.log.ErrorContext(ctx, "authgo: rate limiter failed", "scope", g.scope, "err", err)
		}
	}
}

// succeed forgets the identifier's failures.
func (g *loginGuard) succeed(ctx context.Context) {
	if g == nil || g.idKey == "" {
		return
	}
	if err := g.a.cfg.RateLimit.Limiter.Reset(ctx, g.idKey); err != nil {
		g.a.log.ErrorContext(ctx, "authgo: rate limiter failed", "scope", g.scope, "err", err)
	}
}

// normalizeIdentifier folds an identifier the way emails are compared, so
// "Ada@Example.com ", "ＡＤＡ@example.com" and "ada@example.com" share one
// budget.
func normalizeIdentifier(s string) string {
	s = foldIdentifier(s)
	if len(s) > 320 {
		s = s[:320]
	}
	return s
}
