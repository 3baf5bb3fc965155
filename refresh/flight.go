package refresh

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/authgo/authgo/internal/oauth"
	"github.com/authgo/authgo/providers"
)

// How one refresh is shared: merged in this process, remembered for the
// requests that still carry the old refresh token, and shared through the
// Lock across instances.

type recentRefresh struct {
	ts    providers.TokenSet
	until time.Time
}

const (
	resultSalt       = "authgo.refresh-result"
	recentRefreshTTL = 2 * time.Minute
	maxRecentRefresh = 10000
	maxRefreshHops   = 3
	refreshTimeout   = 30 * time.Second
	stepRefresh      = oauth.StepRefresh
)

func hashToken(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// refresh refreshes rt once per user and provider at a time, and answers a
// refresh token refreshed a moment ago with its result while that result's
// access token is still fresh (by the same leeway as a token in a cookie).
// A remembered result whose access token has expired is not handed out: the
// refresh token it rotated to is followed instead, so a request that still
// carries an old cookie ends with a live access token or RefreshTokenError,
// never with a dead access token.
func (r *Refresher) refresh(ctx context.Context, userID, provider, rt string) (*providers.TokenSet, error) {
	fn, ok := r.funcs[provider]
	if !ok {
		return nil, errNoRefresher
	}
	for range maxRefreshHops {
		ts, next := r.recentResult(hashToken(rt))
		if ts != nil {
			return ts, nil
		}
		if next == "" {
			break
		}
		rt = next
	}
	h := hashToken(rt)
	key := provider + "\x00" + userID
	v, err, _ := r.group.Do(key, func() (any, error) {
		if ts, _ := r.recentResult(h); ts != nil {
			return ts, nil
		}
		// The work is shared, so it must not end with the first caller's
		// request.
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
		defer cancel()
		ts, err := r.run(wctx, fn, key, provider, rt)
		if err != nil {
			r.log.WarnContext(ctx, "authgo: token refresh failed", "provider", provider, "step", stepRefresh, "err", err)
			return nil, err
		}
		r.log.InfoContext(ctx, "authgo: token refreshed", "provider", provider, "rotated", ts.RefreshToken != rt)
		return ts, nil
	})
	if err != nil {
		return nil, err
	}
	ts := *v.(*providers.TokenSet)
	return &ts, nil
}

// run calls fn for rt, under the cross-instance lock when there is one, and
// remembers the result. A result another instance shared under the lock is
// used only while its access token is fresh; a stale one is followed to the
// refresh token it rotated to, at most maxRefreshHops times.
func (r *Refresher) run(ctx context.Context, fn Func, key, provider, rt string) (*providers.TokenSet, error) {
	for hop := 0; ; hop++ {
		ts, shared, err := r.runOnce(ctx, fn, key, provider, rt)
		if err != nil {
			return nil, err
		}
		r.remember(hashToken(rt), *ts)
		if !shared || r.fresh(ts.ExpiresAt) || ts.RefreshToken == rt || hop == maxRefreshHops {
			return ts, nil
		}
		rt = ts.RefreshToken
	}
}

// runOnce calls fn for rt, or, with a Lock, takes the result of the
// instance holding it; shared reports that fn did not run here.
func (r *Refresher) runOnce(ctx context.Context, fn Func, key, provider, rt string) (ts *providers.TokenSet, shared bool, err error) {
	call := func(ctx context.Context) (*providers.TokenSet, error) {
		ts, err := fn(ctx, rt)
		if err != nil {
			return nil, err
		}
		if ts == nil || ts.AccessToken == "" {
			return nil, fmt.Errorf("the %s refresh answered no access token", provider)
		}
		out := *ts
		if out.RefreshToken == "" {
			out.RefreshToken = rt
		}
		return &out, nil
	}
	if r.cfg.Lock == nil {
		ts, err := call(ctx)
		return ts, false, err
	}
	type sealed struct {
		TS providers.TokenSet `json:"ts"`
	}
	ran := false
	b, err := r.cfg.Lock.Do(ctx, hashToken(key), hashToken(rt), func(ctx context.Context) ([]byte, error) {
		ran = true
		ts, err := call(ctx)
		if err != nil {
			return nil, err
		}
		s, err := r.codec.Encode(sealed{TS: *ts}, resultSalt, recentRefreshTTL)
		return []byte(s), err
	})
	if err != nil {
		return nil, false, err
	}
	var s sealed
	if err := r.codec.DecodeInto(string(b), resultSalt, &s); err != nil {
		return nil, false, fmt.Errorf("shared refresh result: %w", err)
	}
	return &s.TS, !ran, nil
}

// recentResult returns the result remembered for the refresh token hashed
// as h while its access token is fresh. For a stale one it returns next,
// the refresh token that result rotated to (empty when it did not rotate).
func (r *Refresher) recentResult(h string) (ts *providers.TokenSet, next string) {
	r.mu.Lock()
	e, ok := r.recent[h]
	r.mu.Unlock()
	if !ok || r.now().After(e.until) {
		return nil, ""
	}
	if !r.fresh(e.ts.ExpiresAt) {
		if hashToken(e.ts.RefreshToken) == h {
			return nil, ""
		}
		return nil, e.ts.RefreshToken
	}
	return &e.ts, ""
}

func (r *Refresher) remember(h string, ts providers.TokenSet) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	if len(r.recent) >= maxRecentRefresh {
		for k, e := range r.recent {
			if now.After(e.until) {
				delete(r.recent, k)
			}
		}
		if len(r.recent) >= maxRecentRefresh {
			clear(r.recent)
		}
	}
	r.recent[h] = recentRefresh{ts: ts, until: now.Add(recentRefreshTTL)}
}
