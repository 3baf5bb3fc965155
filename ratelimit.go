package authgo

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/authgo/authgo/internal/emailaddr"

	"github.com/authgo/authgo/password"
	"github.com/authgo/authgo/ratelimit"
)

// RateLimitConfig configures login rate limiting, on by default for
// credentials sign-in.
//
// Each attempt is reserved before the password is checked, in one atomic
// step under three keys, and refused with 429 and Retry-After (no password
// hashed) when any of them is out of budget:
//
//   - the identifier (the email or username) from this client,
//     PerIdentifierClient: tight, so that guessing from one network stops
//     soon;
//   - the identifier from every client, PerIdentifier: looser, so that an
//     attacker on another network cannot lock the owner out, and yet a
//     distributed attack on one account gets at most 100 guesses in any
//     hour (OWASP ASVS 2.2.1);
//   - the client, from every identifier, PerIP.
//
// A client is its IPv4 address, or its IPv6 network of IPv6Prefix bits.
// Only failures count: a successful sign-in takes its reservation back and
// forgets the failures of its identifier from its client, so an owner with
// no recent failures of their own signs in while another network's
// guesses stay below the PerIdentifier ceiling.
//
// Every sign-in success, failure and refusal is logged with the provider,
// the client IP and a keyed hash of the identifier, and told to
// Events.SignIn, Events.SignInFailure and Events.RateLimited.
type RateLimitConfig struct {
	// Disabled turns rate limiting off. It does not lift ConcurrentHashes.
	Disabled bool
	// Limiter counts attempts. Default: in memory, for one instance; use
	// NewLimiter of the module github.com/authgo/authgo/adapter/redis to
	// share the counts across instances.
	Limiter ratelimit.Limiter
	// PerIdentifierClient limits failures for one identifier from one
	// client. Default 5 per 15 minutes.
	PerIdentifierClient ratelimit.Limit
	// PerIdentifier limits failures for one identifier from all clients
	// together. Default 50 per hour: a burst of 50, then one every 72
	// seconds, so never more than 100 in any hour.
	PerIdentifier ratelimit.Limit
	// PerIP limits failures from one client, whatever the identifier.
	// Default 50 per 15 minutes.
	PerIP ratelimit.Limit
	// IPv6Prefix is the length of the IPv6 network counted as one client:
	// a host can move between the addresses of its network at will.
	// Default 64 (ratelimit.DefaultIPv6Prefix); 128 counts each address.
	// IPv4-mapped IPv6 addresses are counted as IPv4.
	IPv6Prefix int
	// Proxies are the trusted reverse proxies whose forwarding headers say
	// who the client is. Default: none; the client is RemoteAddr.
	Proxies ratelimit.Proxies
	// FailurePolicy applies when the Limiter fails (Redis down). Default
	// ratelimit.FailClosed: refuse sign-ins rather than allow unlimited
	// guessing. Each failure is logged.
	FailurePolicy ratelimit.FailurePolicy
	// ConcurrentHashes bounds how many password hashes the process
	// computes at once (password.SetMaxConcurrent, which New calls when
	// it is set): past it password.Hash, Verify and DummyVerify return
	// password.ErrBusy at once and the sign-in is answered 503 with
	// Retry-After, so a flood of logins cannot take the CPUs and memory
	// that session reads need. The bound is per process, shared by every
	// Auth in it. Default 0: password.DefaultMaxConcurrent, half of
	// GOMAXPROCS (at least 1), fewer under a small GOMEMLIMIT.
	ConcurrentHashes int
	// BusyDelay holds the 503 answer to a sign-in refused because
	// ConcurrentHashes hashes were running (a tarpit: nothing is hashed
	// later, a timer waits, no CPU is used). A client that retries as soon
	// as it is answered — the connections of a login flood — then sends a
	// few attempts a second each instead of thousands, and the CPU stays
	// with session reads. At most maxBusyHeld answers are held at once;
	// past that they go out at once. Default 250 ms (each hold is between
	// half and one and a half times it); negative: no hold.
	BusyDelay time.Duration
}

// maxBusyHeld bounds the refusals RateLimit.BusyDelay holds at once (each
// a parked goroutine and an open connection).
const maxBusyHeld = 4096

// defaultBusyDelay is RateLimit.BusyDelay's default.
const defaultBusyDelay = 250 * time.Millisecond

func (c *RateLimitConfig) normalize() error {
	if c.ConcurrentHashes < 0 {
		return configErr("RateLimit.ConcurrentHashes is %d; use 0 for the default or a positive bound", c.ConcurrentHashes)
	}
	if c.BusyDelay == 0 {
		c.BusyDelay = defaultBusyDelay
	}
	if c.Disabled {
		return nil
	}
	defaults := []struct {
		l   *ratelimit.Limit
		def ratelimit.Limit
	}{
		{&c.PerIdentifierClient, ratelimit.Limit{Events: 5, Per: 15 * time.Minute}},
		{&c.PerIdentifier, ratelimit.Limit{Events: 50, Per: time.Hour}},
		{&c.PerIP, ratelimit.Limit{Events: 50, Per: 15 * time.Minute}},
	}
	for _, d := range defaults {
		if *d.l == (ratelimit.Limit{}) {
			*d.l = d.def
		}
		if d.l.Events < 1 || d.l.Per <= 0 {
			return configErr("RateLimit limits need Events >= 1 and Per > 0 (got %d per %v)", d.l.Events, d.l.Per)
		}
	}
	if c.IPv6Prefix == 0 {
		c.IPv6Prefix = ratelimit.DefaultIPv6Prefix
	}
	if c.IPv6Prefix < 1 || c.IPv6Prefix > 128 {
		return configErr("RateLimit.IPv6Prefix is %d; use a prefix length from 1 to 128 (default 64)", c.IPv6Prefix)
	}
	if c.Limiter == nil {
		c.Limiter = ratelimit.NewMemory()
	}
	return nil
}

// signInGuard holds what every guarded attempt needs beyond the config:
// the key of the identifier hashes in logs and events.
type signInGuard struct {
	idKey []byte
}

// newSignInGuard derives the identifier-hash key from the first secret and
// applies ConcurrentHashes to the process.
func newSignInGuard(c Config) *signInGuard {
	key, err := hkdf.Key(sha256.New, []byte(c.Secret[0]), nil, "authgo identifier hash for logs", 32)
	if err != nil {
		panic("authgo: hkdf: " + err.Error()) // only for a key length out of range
	}
	if n := c.RateLimit.ConcurrentHashes; n > 0 {
		password.SetMaxConcurrent(n)
	}
	return &signInGuard{idKey: key}
}

// identifierHash returns the keyed hash of an identifier that logs and
// events carry instead of it: HMAC-SHA-256 under a key derived from the
// secret, of the folded identifier, 128 bits in hex. The same account
// hashes alike across requests and instances sharing the secret; without
// the secret, guessed emails cannot be matched against it. "" stays "".
func (g *signInGuard) identifierHash(identifier string) string {
	if identifier = normalizeIdentifier(identifier); identifier == "" {
		return ""
	}
	m := hmac.New(sha256.New, g.idKey)
	m.Write([]byte(identifier))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// clientIP returns the client of r as the rate limits see it: RemoteAddr,
// or the forwarded address behind trusted Proxies. Every path that logs or
// limits a client asks here.
func (a *Auth) clientIP(r *http.Request) netip.Addr {
	return a.cfg.RateLimit.Proxies.ClientIP(r)
}

// busy reports whether err says the server was too busy to check the
// secret, which is no guess at all.
func busy(err error) bool { return errors.Is(err, password.ErrBusy) }

// normalizeIdentifier folds an identifier the way emails are compared, so
// "Ada@Example.com ", "ＡＤＡ@example.com" and "ada@example.com" share one
// budget.
func normalizeIdentifier(s string) string {
	s = emailaddr.Fold(s)
	if len(s) > 320 {
		s = s[:320]
	}
	return s
}

// busyHold is RateLimit.BusyDelay's state: the refusals held now, and the
// wait (a timer; replaced in tests).
type busyHold struct {
	held atomic.Int64
	wait func(ctx context.Context, d time.Duration)
}

// waitTimer waits d or until ctx ends (the client went away).
func waitTimer(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// holdBusy holds the answer to a sign-in refused for want of a hashing
// slot for RateLimit.BusyDelay, give or take half, unless maxBusyHeld are
// held already (see BusyDelay).
func (a *Auth) holdBusy(ctx context.Context) {
	d := a.cfg.RateLimit.BusyDelay
	if d <= 0 {
		return
	}
	b := &a.busy
	if b.held.Add(1) > maxBusyHeld {
		b.held.Add(-1)
		return
	}
	defer b.held.Add(-1)
	wait := b.wait
	if wait == nil {
		wait = waitTimer
	}
	// Spread over [d/2, 3d/2): held answers do not come back together.
	wait(ctx, d/2+rand.N(d))
}
