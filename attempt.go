package authgo

import (
	"context"
	"math"
	"net/http"
	"net/netip"
	"time"

	"github.com/authgo/authgo/internal/oauth"
	"github.com/authgo/authgo/ratelimit"
)

// attempt is one guarded attempt: a sign-in, and any future guessable or
// costly step (an email sent, a code or TOTP checked). Its path calls
// beginAttempt before the work, passed when the secret proved right, and
// end (deferred) with the outcome; the limits, the refunds, the logs and
// the events are all here.
type attempt struct {
	a        *Auth
	provider string
	idHash   string // keyed hash of the identifier, for logs and events
	client   netip.Addr
	keys     []ratelimit.Key
	pairKey  string // the identifier from this client, forgotten on success
	reserved bool
	refunded bool
	// done is set by the path when the attempt has fully succeeded (the
	// session is issued); an attempt that ends without an error and
	// without done was turned away (a SignIn callback's redirect).
	done bool
	// pending is set when the first factor passed and the second is due
	// (the challenge logs the outcome).
	pending bool
}

// beginAttempt reserves an attempt of kind ("signin") at provider by
// identifier ("" when there is none) from r's client, in one atomic step
// under every key, before any costly or guessable work. When a limit is
// reached it logs the refusal, tells Events.RateLimited and returns a
// RateLimited *Error; the attempt must then not be made. With rate limits
// off it reserves nothing.
func (a *Auth) beginAttempt(r *http.Request, kind, provider, identifier string) (*attempt, error) {
	rl := &a.cfg.RateLimit
	return a.reserveAttempt(r, kind, provider, identifier, attemptLimits{ip: rl.PerIP, pair: rl.PerIdentifierClient, id: rl.PerIdentifier})
}

// attemptLimits are the limits of one kind of attempt: per client, per
// identifier from one client, per identifier.
type attemptLimits struct{ ip, pair, id ratelimit.Limit }

// reserveAttempt is beginAttempt with the limits of its kind (an email
// send has its own).
func (a *Auth) reserveAttempt(r *http.Request, kind, provider, identifier string, l attemptLimits) (*attempt, error) {
	ctx := r.Context()
	t := &attempt{a: a, provider: provider, idHash: a.signIns.identifierHash(identifier), client: a.clientIP(r)}
	rl := &a.cfg.RateLimit
	if rl.Disabled {
		return t, nil
	}
	client := "unknown"
	if n := ratelimit.ClientNetwork(t.client, rl.IPv6Prefix); n.IsValid() {
		client = n.String()
	}
	prefix := "authgo:" + kind + ":"
	t.keys = []ratelimit.Key{{Name: prefix + "ip:" + client, Limit: l.ip}}
	if id := normalizeIdentifier(identifier); id != "" {
		t.pairKey = prefix + "idip:" + client + " " + id
		t.keys = append(t.keys,
			ratelimit.Key{Name: t.pairKey, Limit: l.pair},
			ratelimit.Key{Name: prefix + "id:" + id, Limit: l.id})
	}
	res, err := rl.Limiter.Reserve(ctx, t.keys...)
	if err != nil {
		a.log.ErrorContext(ctx, "authgo: rate limiter failed", "scope", kind, "policy", rl.FailurePolicy.String(), "err", err)
	}
	t.reserved = err == nil && res.Allowed
	if res = rl.FailurePolicy.Decide(res, err); res.Allowed {
		return t, nil
	}
	limit := "unavailable"
	for i, name := range []string{"client", "identifier-client", "identifier"} {
		if i < len(t.keys) && t.keys[i].Name == res.LimitedBy {
			limit = name
		}
	}
	ev := RateLimitedEvent{Provider: provider, ClientIP: t.client, IdentifierHash: t.idHash, Limit: limit, RetryAfter: res.RetryAfter}
	a.log.WarnContext(ctx, "authgo: sign-in rate limited", "provider", provider, "client_ip", ipString(t.client),
		"identifier_hash", ev.IdentifierHash, "limit", limit, "retry_after", res.RetryAfter.Round(time.Second).String())
	emit(ctx, a.log, "rateLimited", a.cfg.Events.RateLimited, ev)
	return nil, &Error{Type: RateLimited, RetryAfter: int(math.Ceil(res.RetryAfter.Seconds()))}
}

// passed records that the secret was right. Only failures count, so the
// reservation is taken back, and the identifier's failures from this
// client are forgotten: the owner's own typos do not add up.
func (t *attempt) passed(ctx context.Context) {
	ctx = context.WithoutCancel(ctx) // a client that hangs up now still gets its refund
	t.refund(ctx)
	if t.pairKey != "" {
		if err := t.a.cfg.RateLimit.Limiter.Reset(ctx, t.pairKey); err != nil {
			t.a.log.ErrorContext(ctx, "authgo: rate limiter failed", "err", err)
		}
	}
}

// refund takes the reservation back, once.
func (t *attempt) refund(ctx context.Context) {
	if !t.reserved || t.refunded {
		return
	}
	t.refunded = true
	if err := t.a.cfg.RateLimit.Limiter.Refund(context.WithoutCancel(ctx), t.keys...); err != nil {
		t.a.log.ErrorContext(ctx, "authgo: rate limiter failed", "err", err)
	}
}

// end records the outcome of the attempt, err being the path's error: a
// success (done and no error) is logged; anything else is a failure,
// logged and told to Events.SignInFailure. A failure keeps its
// reservation, except when no guess was checked: the server was too busy
// to hash (password.ErrBusy) or the request was cancelled.
func (t *attempt) end(ctx context.Context, err error) {
	if err == nil && t.done {
		t.a.signInSucceeded(ctx, t.provider, t.client, t.idHash)
		return
	}
	if err == nil && t.pending {
		return // secondFactorGate logged it
	}
	e := &Error{Type: AccessDenied, Code: "redirected"} // by the SignIn callback
	if err != nil {
		e = asError(err, CallbackRouteError)
		e.signInLogged = true
	}
	if e.Type == Unavailable {
		t.refund(ctx)
	}
	t.a.signInFailed(ctx, SignInFailureEvent{Provider: t.provider, ClientIP: t.client, IdentifierHash: t.idHash, Type: e.Type, Code: e.Code})
}

// signInSucceeded logs a sign-in by any provider, with extra attributes
// of the path's own. Events.SignIn is told by the caller, which has the
// user.
func (a *Auth) signInSucceeded(ctx context.Context, provider string, client netip.Addr, idHash string, extra ...any) {
	attrs := append([]any{"provider", provider, "client_ip", ipString(client), "identifier_hash", idHash}, extra...)
	a.log.InfoContext(ctx, "authgo: sign-in succeeded", attrs...)
}

// signInFailed logs a failed sign-in by any provider, naming the client and
// never the identifier, and tells Events.SignInFailure. Every path's
// failures come through here.
func (a *Auth) signInFailed(ctx context.Context, ev SignInFailureEvent) {
	attrs := []any{"provider", ev.Provider, "client_ip", ipString(ev.ClientIP), "identifier_hash", ev.IdentifierHash, "type", string(ev.Type)}
	if ev.Code != "" {
		attrs = append(attrs, "code", ev.Code)
	}
	if ev.Step != "" {
		attrs = append(attrs, "step", ev.Step)
	}
	a.log.WarnContext(ctx, "authgo: sign-in failed", attrs...)
	emit(ctx, a.log, "signInFailure", a.cfg.Events.SignInFailure, ev)
}

// oauthSignInFailed logs an OAuth sign-in that failed after the provider
// named the account (a refusing SignIn callback, a linking conflict, a
// store that failed).
func (a *Auth) oauthSignInFailed(rq *request, p oauth.Provider, accountID string, err error) {
	e := asError(err, CallbackRouteError)
	a.signInFailed(rq.r.Context(), SignInFailureEvent{Provider: p.ID(), ClientIP: a.clientIP(rq.r), IdentifierHash: a.signIns.identifierHash(accountID), Type: e.Type, Code: e.Code})
}

// ipString is a client address for a log line; "unknown" when there is
// none (a Unix socket).
func ipString(ip netip.Addr) string {
	if !ip.IsValid() {
		return "unknown"
	}
	return ip.String()
}
