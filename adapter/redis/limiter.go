package redis

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/authgo/authgo/ratelimit"
)

// gcraScript runs one Check, Reserve (and so Hit) or Refund atomically on
// the server, so that any number of application instances share one budget
// per key, and a Reserve over several keys counts under all of them or
// none. Times are integer microseconds; a Lua number holds them exactly
// (2^53 µs is about 285 years). A key stores its theoretical arrival time
// (TAT) and expires when the TAT is reached, which is exactly when the key
// is back at rest.
//
// KEYS are the keys. ARGV[1] is "check", "reserve" or "refund"; ARGV[2] the
// current time, or an empty string for the server's TIME; then, for the
// i-th key, ARGV[2i+1] its emission interval and ARGV[2i+2] its period.
//
// Check and reserve return {room_1, before_1, room_2, before_2, ...}: for
// each key, 1 when it has room for one more event, and its TAT minus now
// before the call; the Go side (ratelimit.Answer) turns them into a Result
// with the same arithmetic as ratelimit.Memory. Reserve writes the new TATs
// only when every key has room. Refund returns nothing.
//
// github.com/go-redis/redis_rate implements GCRA for one key; this script
// is written here instead because it must reserve under several keys in one
// atomic step, give Check the arithmetic of Memory, and take an injected
// clock in tests. Reading TIME before a write needs effect replication, the
// default since Redis 5.
var gcraScript = goredis.NewScript(`
local mode = ARGV[1]
local now
if ARGV[2] == "" then
  local t = redis.call("TIME")
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
else
  now = tonumber(ARGV[2])
end
local function store(key, tat)
  if tat <= now then
    redis.call("DEL", key)
  else
    redis.call("SET", key, string.format("%d", tat), "PX", math.ceil((tat - now) / 1000))
  end
end
if mode == "refund" then
  for i, key in ipairs(KEYS) do
    local tat = tonumber(redis.call("GET", key))
    if tat ~= nil then
      store(key, tat - tonumber(ARGV[2 * i + 1]))
    end
  end
  return {}
end
local out, pending, order, all = {}, {}, {}, true
for i, key in ipairs(KEYS) do
  local interval, per = tonumber(ARGV[2 * i + 1]), tonumber(ARGV[2 * i + 2])
  local tat = pending[key]
  if tat == nil then
    tat = tonumber(redis.call("GET", key))
  end
  if tat == nil or tat < now then
    tat = now
  end
  local room = 0
  if tat + interval - now <= per then
    room = 1
  else
    all = false
  end
  out[2 * i - 1], out[2 * i] = room, tat - now
  pending[key] = tat + interval
  order[#order + 1] = key
end
if mode == "reserve" and all then
  for _, key in ipairs(order) do
    if pending[key] ~= nil then
      store(key, pending[key])
      pending[key] = nil
    end
  end
end
return out
`)

// Limiter is a ratelimit.Limiter whose counts live in Redis, shared by
// every instance of an application that uses the same server and prefix.
// Each Check, Hit, Reserve or Refund is one script run, atomic on the
// server; Reset is one DEL.
//
// Keys are stored as the prefix followed by a hash of the caller's key, so
// e-mail addresses and IP addresses are not readable in Redis and a long key
// costs no more than a short one.
//
// Every error from Redis (including a server that is down) is returned
// wrapped, never with the key in its text; the caller applies its
// ratelimit.FailurePolicy and logs the error.
type Limiter struct {
	client goredis.UniversalClient
	prefix string
	now    func() time.Time
}

// LimiterOptions configures NewLimiter. Zero fields take the documented
// defaults.
type LimiterOptions struct {
	// Prefix starts every key the limiter writes. Limiters that should
	// share budgets use the same prefix; on Redis Cluster give it a hash
	// tag, such as "{authgo:rl}:", so that the keys of one Reserve are in
	// one slot. Default "authgo:rl:".
	Prefix string
	// Now is the clock. Default: the Redis server's TIME, so instances
	// whose clocks disagree still agree on limits; tests set it.
	Now func() time.Time
}

// NewLimiter returns a Limiter over client; give it to
// authgo.RateLimitConfig.Limiter. The client's own timeouts bound how long
// a call waits for a server that is down.
func NewLimiter(client goredis.UniversalClient, o LimiterOptions) *Limiter {
	if client == nil {
		panic("adapter/redis: NewLimiter with a nil client")
	}
	if o.Prefix == "" {
		o.Prefix = "authgo:rl:"
	}
	return &Limiter{client: client, prefix: o.Prefix, now: o.Now}
}

// storageKey returns the Redis key for a caller's key.
func (r *Limiter) storageKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return r.prefix + hex.EncodeToString(sum[:16])
}

// Check reports whether key may have one more event now.
func (r *Limiter) Check(ctx context.Context, key string, l ratelimit.Limit) (ratelimit.Result, error) {
	res, err := r.run(ctx, "check", []ratelimit.Key{{Name: key, Limit: l}})
	res.LimitedBy = ""
	return res, err
}

// Hit counts one event for key if the limit allows it.
func (r *Limiter) Hit(ctx context.Context, key string, l ratelimit.Limit) (ratelimit.Result, error) {
	res, err := r.run(ctx, "reserve", []ratelimit.Key{{Name: key, Limit: l}})
	res.LimitedBy = ""
	return res, err
}

// Reserve counts one event under every key if all their limits allow it,
// or under none, in one script run. On Redis Cluster the keys of one call
// must be in one slot: give the prefix a hash tag (see LimiterOptions).
func (r *Limiter) Reserve(ctx context.Context, keys ...ratelimit.Key) (ratelimit.Result, error) {
	if len(keys) == 0 {
		return ratelimit.Result{Allowed: true}, nil
	}
	return r.run(ctx, "reserve", keys)
}

// Refund takes back one event under each key, in one script run.
func (r *Limiter) Refund(ctx context.Context, keys ...ratelimit.Key) error {
	if len(keys) == 0 {
		return nil
	}
	_, err := r.script(ctx, "refund", keys)
	return err
}

// Reset forgets key.
func (r *Limiter) Reset(ctx context.Context, key string) error {
	if err := r.client.Del(ctx, r.storageKey(key)).Err(); err != nil {
		return fmt.Errorf("adapter/redis: limiter reset: %w", err)
	}
	return nil
}

// run runs a check or a reserve and builds its Result.
func (r *Limiter) run(ctx context.Context, mode string, keys []ratelimit.Key) (ratelimit.Result, error) {
	vals, err := r.script(ctx, mode, keys)
	if err != nil {
		return ratelimit.Result{}, err
	}
	if len(vals) != 2*len(keys) {
		return ratelimit.Result{}, fmt.Errorf("adapter/redis: limiter %s: script returned %d values, want %d", mode, len(vals), 2*len(keys))
	}
	room := make([]bool, len(keys))
	before := make([]int64, len(keys))
	for i := range keys {
		room[i], before[i] = vals[2*i] == 1, vals[2*i+1]
	}
	return ratelimit.Answer(keys, room, before, mode == "reserve", time.Microsecond), nil
}

// script runs gcraScript in mode over keys.
func (r *Limiter) script(ctx context.Context, mode string, keys []ratelimit.Key) ([]int64, error) {
	if err := ratelimit.ValidateKeys(keys); err != nil {
		return nil, err
	}
	now := ""
	if r.now != nil {
		now = strconv.FormatInt(r.now().UnixMicro(), 10)
	}
	names := make([]string, len(keys))
	args := make([]any, 0, 2+2*len(keys))
	args = append(args, mode, now)
	for i, k := range keys {
		names[i] = r.storageKey(k.Name)
		args = append(args, k.Limit.Interval().Microseconds(), k.Limit.Per.Microseconds())
	}
	vals, err := gcraScript.Run(ctx, r.client, names, args...).Int64Slice()
	if err != nil && !errors.Is(err, goredis.Nil) {
		return nil, fmt.Errorf("adapter/redis: limiter %s: %w", mode, err)
	}
	return vals, nil
}

var _ ratelimit.Limiter = (*Limiter)(nil)
