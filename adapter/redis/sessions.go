package redis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/authgo/authgo/adapter"
)

// Database sessions and each user's index of them.

// cleanIndex is shared by the scripts that add to a user's index: it drops
// members whose expiry has passed and makes the index itself expire with its
// last member. ARGV[#ARGV] is the current time in Unix milliseconds.
const cleanIndex = `
local function clean(idx, now)
  redis.call("ZREMRANGEBYSCORE", idx, "-inf", now)
  local last = redis.call("ZRANGE", idx, -1, -1, "WITHSCORES")
  if #last == 2 then
    redis.call("PEXPIREAT", idx, last[2])
  end
end
`

// createScript stores a session unless its token is taken.
// KEYS: session, index. ARGV: token, user, expires, created, last seen,
// user agent, ip, now. Returns 1, or 0 for a taken token.
var createScript = goredis.NewScript(cleanIndex + `
if redis.call("EXISTS", KEYS[1]) == 1 then
  return 0
end
redis.call("HSET", KEYS[1], "u", ARGV[2], "e", ARGV[3], "c", ARGV[4], "l", ARGV[5], "a", ARGV[6], "i", ARGV[7])
redis.call("PEXPIREAT", KEYS[1], ARGV[3])
redis.call("ZADD", KEYS[2], ARGV[3], ARGV[1])
clean(KEYS[2], ARGV[8])
return 1
`)

// updateScript sets a session's expiry and last-seen time, and its score in
// the user's index. KEYS: session. ARGV: prefix, token, expires, last seen,
// now; an empty last seen keeps the stored one. Returns the session's fields as HGETALL gives them after the
// update, or false when the session is absent.
var updateScript = goredis.NewScript(cleanIndex + `
local user = redis.call("HGET", KEYS[1], "u")
if not user then
  return false
end
redis.call("HSET", KEYS[1], "e", ARGV[3])
if ARGV[4] ~= "" then
  redis.call("HSET", KEYS[1], "l", ARGV[4])
end
local fields = redis.call("HGETALL", KEYS[1])
redis.call("PEXPIREAT", KEYS[1], ARGV[3])
local idx = ARGV[1] .. "u:" .. user
redis.call("ZADD", idx, ARGV[3], ARGV[2])
clean(idx, ARGV[5])
return fields
`)

// deleteScript deletes a session and its index entry. KEYS: session. ARGV:
// prefix, token. Returns the session's fields, or an empty array.
var deleteScript = goredis.NewScript(`
local fields = redis.call("HGETALL", KEYS[1])
if #fields == 0 then
  return fields
end
local user = redis.call("HGET", KEYS[1], "u")
redis.call("DEL", KEYS[1])
redis.call("ZREM", ARGV[1] .. "u:" .. user, ARGV[2])
return fields
`)

// listScript returns a user's live sessions and drops index entries whose
// session is gone. KEYS: index. ARGV: prefix, now. Returns a flat array of
// token, fields, token, fields...
var listScript = goredis.NewScript(`
redis.call("ZREMRANGEBYSCORE", KEYS[1], "-inf", ARGV[2])
local out = {}
for _, token in ipairs(redis.call("ZRANGE", KEYS[1], 0, -1)) do
  local fields = redis.call("HGETALL", ARGV[1] .. "s:" .. token)
  if #fields == 0 then
    redis.call("ZREM", KEYS[1], token)
  else
    table.insert(out, token)
    table.insert(out, fields)
  end
end
return out
`)

// deleteUserScript deletes every session in a user's index, and the index.
// KEYS: index. ARGV: prefix. Returns how many sessions existed.
var deleteUserScript = goredis.NewScript(`
local n = 0
for _, token in ipairs(redis.call("ZRANGE", KEYS[1], 0, -1)) do
  n = n + redis.call("DEL", ARGV[1] .. "s:" .. token)
end
redis.call("DEL", KEYS[1])
return n
`)

// CreateSession stores sess, indexes it under its user and makes both
// expire at sess.Expires. A zero CreatedAt is set to now and a zero
// LastSeenAt to CreatedAt. A token already stored is an error wrapping
// adapter.ErrDuplicate.
func (s *Store) CreateSession(ctx context.Context, sess adapter.Session) (*adapter.Session, error) {
	const method = "CreateSession"
	if err := ctxErr(method, ctx); err != nil {
		return nil, err
	}
	now := time.Now()
	if sess.CreatedAt.IsZero() {
		sess.CreatedAt = now
	}
	if sess.LastSeenAt.IsZero() {
		sess.LastSeenAt = sess.CreatedAt
	}
	ok, err := createScript.Run(ctx, s.client,
		[]string{s.sessionKey(sess.SessionToken), s.userKey(sess.UserID)},
		sess.SessionToken, sess.UserID, msArg(sess.Expires), msArg(sess.CreatedAt),
		msArg(sess.LastSeenAt), sess.UserAgent, sess.IP, msArg(now)).Int()
	if err != nil {
		return nil, wrap(method, err)
	}
	if ok == 0 {
		return nil, &adapter.Error{Method: method, Err: fmt.Errorf("session token: %w", adapter.ErrDuplicate)}
	}
	out := roundSession(sess)
	return &out, nil
}

// GetSession returns the session with the token, or (nil, nil). Redis drops
// a session when it expires, so an expired session is not returned.
func (s *Store) GetSession(ctx context.Context, sessionToken string) (*adapter.Session, error) {
	const method = "GetSession"
	if err := ctxErr(method, ctx); err != nil {
		return nil, err
	}
	fields, err := s.client.HGetAll(ctx, s.sessionKey(sessionToken)).Result()
	if err != nil {
		return nil, wrap(method, err)
	}
	if len(fields) == 0 {
		return nil, nil
	}
	return parseSession(method, sessionToken, fields)
}

// UpdateSession sets Expires and LastSeenAt of the session sess.SessionToken
// (a zero LastSeenAt leaves it as it is), moves its expiry and returns it,
// or (nil, nil) when it is absent.
func (s *Store) UpdateSession(ctx context.Context, sess adapter.Session) (*adapter.Session, error) {
	const method = "UpdateSession"
	if err := ctxErr(method, ctx); err != nil {
		return nil, err
	}
	now := time.Now()
	lastSeen := ""
	if !sess.LastSeenAt.IsZero() {
		lastSeen = msArg(sess.LastSeenAt)
	}
	raw, err := updateScript.Run(ctx, s.client, []string{s.sessionKey(sess.SessionToken)},
		s.prefix, sess.SessionToken, msArg(sess.Expires), lastSeen, msArg(now)).Result()
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap(method, err)
	}
	return parseSession(method, sess.SessionToken, pairs(raw))
}

// DeleteSession deletes the session and its index entry and returns the
// session as it was, or (nil, nil) when it was absent.
func (s *Store) DeleteSession(ctx context.Context, sessionToken string) (*adapter.Session, error) {
	const method = "DeleteSession"
	if err := ctxErr(method, ctx); err != nil {
		return nil, err
	}
	raw, err := deleteScript.Run(ctx, s.client, []string{s.sessionKey(sessionToken)},
		s.prefix, sessionToken).Result()
	if err != nil {
		return nil, wrap(method, err)
	}
	fields := pairs(raw)
	if len(fields) == 0 {
		return nil, nil
	}
	return parseSession(method, sessionToken, fields)
}

// ListUserSessions returns the user's unexpired sessions, newest first, and
// drops from the user's index the entries whose session has gone.
func (s *Store) ListUserSessions(ctx context.Context, userID string) ([]adapter.Session, error) {
	const method = "ListUserSessions"
	if err := ctxErr(method, ctx); err != nil {
		return nil, err
	}
	now := time.Now()
	raw, err := listScript.Run(ctx, s.client, []string{s.userKey(userID)}, s.prefix, msArg(now)).Slice()
	if err != nil {
		return nil, wrap(method, err)
	}
	out := make([]adapter.Session, 0, len(raw)/2)
	for i := 0; i+1 < len(raw); i += 2 {
		token, _ := raw[i].(string)
		sess, err := parseSession(method, token, pairs(raw[i+1]))
		if err != nil {
			return nil, err
		}
		if sess.Expires.After(now) {
			out = append(out, *sess)
		}
	}
	slices.SortStableFunc(out, func(a, b adapter.Session) int { return b.CreatedAt.Compare(a.CreatedAt) })
	return out, nil
}

// DeleteUserSessions deletes all of the user's sessions and reports how
// many there were.
func (s *Store) DeleteUserSessions(ctx context.Context, userID string) (int64, error) {
	const method = "DeleteUserSessions"
	if err := ctxErr(method, ctx); err != nil {
		return 0, err
	}
	n, err := deleteUserScript.Run(ctx, s.client, []string{s.userKey(userID)}, s.prefix).Int64()
	if err != nil {
		return 0, wrap(method, err)
	}
	return n, nil
}
