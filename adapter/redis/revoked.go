package redis

import (
	"context"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// revokedSessionKey names the record of a signed-out JWT session.
func (s *Store) revokedSessionKey(id string) string { return s.prefix + "x:" + id }

// revokeSessionScript records a signed-out session until the later of its
// stored and given expiries. KEYS: record. ARGV: expiry in Unix
// milliseconds.
var revokeSessionScript = goredis.NewScript(`
local cur = tonumber(redis.call("GET", KEYS[1]))
if cur == nil or cur < tonumber(ARGV[1]) then
  redis.call("SET", KEYS[1], ARGV[1], "PXAT", ARGV[1])
end
return 0
`)

// RevokeSession records that the JWT session sessionID has ended, in a key
// that expires at expires (or at a later expiry recorded before).
func (s *Store) RevokeSession(ctx context.Context, sessionID string, expires time.Time) error {
	const method = "RevokeSession"
	if err := ctxErr(method, ctx); err != nil {
		return err
	}
	if ms(expires) <= 0 {
		return nil // expired long ago: nothing to keep
	}
	if err := revokeSessionScript.Run(ctx, s.client, []string{s.revokedSessionKey(sessionID)}, msArg(expires)).Err(); err != nil {
		return wrap(method, err)
	}
	return nil
}

// SessionRevoked reports whether sessionID has an unexpired revocation
// record.
func (s *Store) SessionRevoked(ctx context.Context, sessionID string) (bool, error) {
	const method = "SessionRevoked"
	if err := ctxErr(method, ctx); err != nil {
		return false, err
	}
	n, err := s.client.Exists(ctx, s.revokedSessionKey(sessionID)).Result()
	if err != nil {
		return false, wrap(method, err)
	}
	return n > 0, nil
}
