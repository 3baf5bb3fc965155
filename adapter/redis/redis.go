// Package redis keeps authgo's database sessions, verification tokens,
// JWT revocation epochs and signed-out JWT sessions in Redis, for applications that keep their users
// somewhere else. Combine it with the store that keeps users:
//
//	sessions := redis.New(client)
//	a := adapter.Compose(users, sessions, sessions)
//
// Everything it writes expires by itself: a session key when the session
// expires, a verification token when the token does, a user's session index
// with the user's last session, a signed-out JWT session's record when its
// last token does. There is nothing to purge.
//
// Layout, under the prefix (default "authgo:"):
//
//	<prefix>s:<session token>   hash of the session's fields
//	<prefix>u:<user id>         sorted set of the user's session tokens, scored by expiry
//	<prefix>v:<n>:<identifier><token>  a verification token's expiry; n is len(identifier)
//	<prefix>r:<user id>         the user's revocation epoch, Unix milliseconds
//	<prefix>x:<session id>      a signed-out JWT session: its record's expiry, Unix milliseconds
//
// Times are kept to the millisecond and returned in UTC.
//
// Operations that touch a session and its user's index run as one Lua
// script, atomic on the server; a script may reach a user's index from the
// session it reads, so on Redis Cluster every key must be in one slot: give
// the prefix a hash tag, such as "{authgo}:". Redis 6.2 or later is needed
// (GETDEL, PXAT).
package redis

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/authgo/authgo/adapter"
)

// DefaultPrefix is the prefix of every key a Store writes unless WithPrefix
// says otherwise.
const DefaultPrefix = "authgo:"

// Store keeps sessions, verification tokens, revocation epochs and
// signed-out JWT sessions in Redis.
// It implements adapter.SessionStore, adapter.VerificationTokenStore,
// adapter.SessionLister, adapter.UserSessionsDeleter,
// adapter.RevocationStore and adapter.SessionRevocationStore. It is safe
// for use by many goroutines.
//
// Sessions are not tied to users: the store accepts any user id, because the
// users live elsewhere.
type Store struct {
	client goredis.UniversalClient
	prefix string
}

// Option configures a Store.
type Option func(*Store)

// WithPrefix sets the prefix of every key the store writes (default
// DefaultPrefix). Several applications, or tests, sharing one Redis database
// each use their own prefix.
func WithPrefix(prefix string) Option {
	return func(s *Store) { s.prefix = prefix }
}

// New returns a Store over client. The client's timeouts bound how long a
// call waits for a Redis server that is down; such a call fails with an
// error wrapping adapter.ErrUnavailable.
func New(client goredis.UniversalClient, opts ...Option) *Store {
	if client == nil {
		panic("adapter/redis: New with a nil client")
	}
	s := &Store{client: client, prefix: DefaultPrefix}
	for _, o := range opts {
		o(s)
	}
	return s
}

var (
	_ adapter.SessionStore           = (*Store)(nil)
	_ adapter.VerificationTokenStore = (*Store)(nil)
	_ adapter.SessionLister          = (*Store)(nil)
	_ adapter.UserSessionsDeleter    = (*Store)(nil)
	_ adapter.RevocationStore        = (*Store)(nil)
	_ adapter.SessionRevocationStore = (*Store)(nil)
)

func (s *Store) sessionKey(token string) string { return s.prefix + "s:" + token }
func (s *Store) userKey(userID string) string   { return s.prefix + "u:" + userID }
func (s *Store) revokeKey(userID string) string { return s.prefix + "r:" + userID }

// revokedSessionKey names the record of a signed-out JWT session.
func (s *Store) revokedSessionKey(id string) string { return s.prefix + "x:" + id }

// tokenKey names a verification token. The identifier's length comes first,
// so that no other (identifier, token) pair gives the same key.
func (s *Store) tokenKey(identifier, token string) string {
	return s.prefix + "v:" + strconv.Itoa(len(identifier)) + ":" + identifier + token
}

// Session hash fields.
const (
	fUser      = "u"
	fExpires   = "e"
	fCreated   = "c"
	fLastSeen  = "l"
	fUserAgent = "a"
	fIP        = "i"
)

func ms(t time.Time) int64           { return t.UnixMilli() }
func fromMS(v int64) time.Time       { return time.UnixMilli(v).UTC() }
func msArg(t time.Time) string       { return strconv.FormatInt(ms(t), 10) }
func parseMS(s string) (int64, bool) { v, err := strconv.ParseInt(s, 10, 64); return v, err == nil }

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

// revokeScript moves a revocation epoch forward, never back. KEYS: epoch.
// ARGV: new epoch in Unix milliseconds.
var revokeScript = goredis.NewScript(`
local cur = tonumber(redis.call("GET", KEYS[1]))
if cur == nil or cur < tonumber(ARGV[1]) then
  redis.call("SET", KEYS[1], ARGV[1])
end
return 0
`)

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

// roundSession returns sess as it reads back: times to the millisecond, in
// UTC.
func roundSession(sess adapter.Session) adapter.Session {
	sess.Expires = fromMS(ms(sess.Expires))
	sess.CreatedAt = fromMS(ms(sess.CreatedAt))
	sess.LastSeenAt = fromMS(ms(sess.LastSeenAt))
	return sess
}

func parseSession(method, token string, f map[string]string) (*adapter.Session, error) {
	e, ok1 := parseMS(f[fExpires])
	c, ok2 := parseMS(f[fCreated])
	l, ok3 := parseMS(f[fLastSeen])
	if !ok1 || !ok2 || !ok3 {
		return nil, &adapter.Error{Method: method, Err: errors.New("stored session is malformed")}
	}
	return &adapter.Session{
		SessionToken: token,
		UserID:       f[fUser],
		Expires:      fromMS(e),
		CreatedAt:    fromMS(c),
		LastSeenAt:   fromMS(l),
		UserAgent:    f[fUserAgent],
		IP:           f[fIP],
	}, nil
}

// pairs turns an HGETALL reply returned by a script (a flat array) into a
// map.
func pairs(raw any) map[string]string {
	arr, _ := raw.([]any)
	m := make(map[string]string, len(arr)/2)
	for i := 0; i+1 < len(arr); i += 2 {
		k, _ := arr[i].(string)
		v, _ := arr[i+1].(string)
		m[k] = v
	}
	return m
}

// ctxErr fails a call whose context has already ended before it reaches
// the network.
func ctxErr(method string, ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return &adapter.Error{Method: method, Err: fmt.Errorf("%w: %w", adapter.ErrUnavailable, err)}
	}
	return nil
}

// wrap makes err an *adapter.Error of method; failures to reach Redis or to
// get an answer in time, and replies saying the server cannot serve now,
// wrap adapter.ErrUnavailable.
func wrap(method string, err error) error {
	if unavailable(err) {
		err = fmt.Errorf("%w: redis: %w", adapter.ErrUnavailable, err)
	} else {
		err = fmt.Errorf("redis: %w", err)
	}
	return &adapter.Error{Method: method, Err: err}
}

func unavailable(err error) bool {
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled),
		errors.Is(err, goredis.ErrClosed), errors.Is(err, goredis.ErrPoolTimeout),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.As(err, &netErr):
		return true
	}
	for _, p := range []string{"LOADING", "MASTERDOWN", "READONLY", "CLUSTERDOWN", "TRYAGAIN", "BUSY"} {
		if goredis.HasErrorPrefix(err, p) {
			return true
		}
	}
	return false
}
