package redis

import (
	"context"
	"errors"
	"fmt"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/authgo/authgo/adapter"
)

// Verification tokens and revocation epochs.

// revokeScript moves a revocation epoch forward, never back. KEYS: epoch.
// ARGV: new epoch in Unix milliseconds.
var revokeScript = goredis.NewScript(`
local cur = tonumber(redis.call("GET", KEYS[1]))
if cur == nil or cur < tonumber(ARGV[1]) then
  redis.call("SET", KEYS[1], ARGV[1])
end
return 0
`)

// CreateVerificationToken stores vt until vt.Expires. A pair (Identifier,
// Token) already stored is an error wrapping adapter.ErrDuplicate.
func (s *Store) CreateVerificationToken(ctx context.Context, vt adapter.VerificationToken) error {
	const method = "CreateVerificationToken"
	if err := ctxErr(method, ctx); err != nil {
		return err
	}
	// SET NX with PXAT: one command that both refuses a duplicate and sets
	// the expiry. A time in the past stores nothing, as the token would be
	// dropped at once.
	ok, err := s.client.Do(ctx, "SET", s.tokenKey(vt.Identifier, vt.Token), msArg(vt.Expires),
		"PXAT", msArg(vt.Expires), "NX").Text()
	if errors.Is(err, goredis.Nil) {
		return &adapter.Error{Method: method, Err: fmt.Errorf("verification token: %w", adapter.ErrDuplicate)}
	}
	if err != nil {
		return wrap(method, err)
	}
	if ok != "OK" {
		return &adapter.Error{Method: method, Err: fmt.Errorf("unexpected reply %q", ok)}
	}
	return nil
}

// UseVerificationToken deletes the token and returns it, or (nil, nil) when
// it is absent or has expired. It is one GETDEL, so of several concurrent
// callers exactly one receives the token.
func (s *Store) UseVerificationToken(ctx context.Context, identifier, token string) (*adapter.VerificationToken, error) {
	const method = "UseVerificationToken"
	if err := ctxErr(method, ctx); err != nil {
		return nil, err
	}
	v, err := s.client.GetDel(ctx, s.tokenKey(identifier, token)).Result()
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap(method, err)
	}
	exp, ok := parseMS(v)
	if !ok {
		return nil, &adapter.Error{Method: method, Err: errors.New("stored expiry is not a number")}
	}
	return &adapter.VerificationToken{Identifier: identifier, Token: token, Expires: fromMS(exp)}, nil
}

// RevokeUserTokens records that the user's tokens issued before the given
// time are revoked; an earlier time than the one stored changes nothing.
// The epoch does not expire.
func (s *Store) RevokeUserTokens(ctx context.Context, userID string, before time.Time) error {
	const method = "RevokeUserTokens"
	if err := ctxErr(method, ctx); err != nil {
		return err
	}
	if err := revokeScript.Run(ctx, s.client, []string{s.revokeKey(userID)}, msArg(before)).Err(); err != nil {
		return wrap(method, err)
	}
	return nil
}

// TokensRevokedBefore returns the user's revocation epoch, or the zero time.
func (s *Store) TokensRevokedBefore(ctx context.Context, userID string) (time.Time, error) {
	const method = "TokensRevokedBefore"
	if err := ctxErr(method, ctx); err != nil {
		return time.Time{}, err
	}
	v, err := s.client.Get(ctx, s.revokeKey(userID)).Int64()
	if errors.Is(err, goredis.Nil) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, wrap(method, err)
	}
	return fromMS(v), nil
}
