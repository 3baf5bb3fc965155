package ratelimit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// gcraScript runs one Check or Hit atomically on the server, so that any
// number of application instances share one budget per key. Times are
// integer microseconds; a Lua number holds them exactly (2^53 µs is about
// 285 years). The key stores the theoretical arrival time (TAT) and expires
// when the TAT is reached, which is exactly when the key is back at rest.
//
// KEYS[1] the key; ARGV[1] emission interval; ARGV[2] period; ARGV[3] 1 to
// count the event (Hit), 0 to look (Check); ARGV[4] the current time, or an
// empty string for the server's TIME.
//
// It returns {allowed (0 or 1), TAT minus now after the call}.
//
// github.com/go-redis/redis_rate implements GCRA as well; this script is
// written here instead because it must give Check the same arithmetic as
// Memory (gcra and result in ratelimit.go), take an injected clock in tests,
// and it is twenty lines, less than a dependency. Reading TIME before a
// write needs effect replication, the default since Redis 5.
var gcraScript = redis.NewScript(`
local interval = tonumber(ARGV[1])
local per = tonumber(ARGV[2])
local now
if ARGV[4] == "" then
  local t = redis.call("TIME")
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
else
  now = tonumber(ARGV[4])
end
local tat = tonumber(redis.call("GET", KEYS[1]))
if tat == nil or tat < now then
  tat = now
end
local nxt = tat + interval
if nxt - now > per then
  return {0, tat - now}
end
if ARGV[3] == "1" then
  redis.call("SET", KEYS[1], string.format("%d", nxt), "PX", math.ceil((nxt - now) / 1000))
  tat = nxt
end
return {1, tat - now}
`)

// Redis is a Limiter whose counts live in Redis, shared by every instance of
// an application that uses the same server and prefix. Each Check or Hit is
// one script run, atomic on the server; Reset is one DEL.
//
// Keys are stored as the prefix followed by a hash of the caller's key, so
// e-mail addresses and IP addresses are not readable in Redis and a long key
// costs no more than a short one.
//
// Every error from Redis (including a server that is down) is returned
// wrapped, never with the key in its text; the caller applies its
// FailurePolicy and logs the error.
type Redis struct {
	client redis.UniversalClient
	prefix string
	now    func() time.Time
}

// NewRedis returns a Redis limiter over client. It reads WithPrefix and
// WithClock; by default keys start with DefaultPrefix and the time is the
// Redis server's, so instances whose clocks disagree still agree on limits.
// The client's own timeouts bound how long a call waits for a server that
// is down.
func NewRedis(client redis.UniversalClient, opts ...Option) *Redis {
	if client == nil {
		panic("ratelimit: NewRedis with a nil client")
	}
	o := buildOptions(opts)
	return &Redis{client: client, prefix: o.prefix, now: o.now}
}

// storageKey returns the Redis key for a caller's key.
func (r *Redis) storageKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return r.prefix + hex.EncodeToString(sum[:16])
}

// Check reports whether key may have one more event now.
func (r *Redis) Check(ctx context.Context, key string, l Limit) (Result, error) {
	return r.run(ctx, "check", key, l, "0")
}

// Hit counts one event for key if the limit allows it.
func (r *Redis) Hit(ctx context.Context, key string, l Limit) (Result, error) {
	return r.run(ctx, "hit", key, l, "1")
}

// Reset forgets key.
func (r *Redis) Reset(ctx context.Context, key string) error {
	if err := r.client.Del(ctx, r.storageKey(key)).Err(); err != nil {
		return fmt.Errorf("ratelimit: redis reset: %w", err)
	}
	return nil
}

func (r *Redis) run(ctx context.Context, op, key string, l Limit, count string) (Result, error) {
	if err := l.validate(); err != nil {
		return Result{}, err
	}
	iv := l.interval().Microseconds()
	per := l.Per.Microseconds()
	now := ""
	if r.now != nil {
		now = strconv.FormatInt(r.now().UnixMicro(), 10)
	}
	vals, err := gcraScript.Run(ctx, r.client, []string{r.storageKey(key)},
		iv, per, count, now).Int64Slice()
	if err != nil {
		return Result{}, fmt.Errorf("ratelimit: redis %s: %w", op, err)
	}
	if len(vals) != 2 {
		return Result{}, fmt.Errorf("ratelimit: redis %s: script returned %d values, want 2", op, len(vals))
	}
	return result(vals[0] == 1, vals[1], iv, per, time.Microsecond), nil
}

var _ Limiter = (*Redis)(nil)
