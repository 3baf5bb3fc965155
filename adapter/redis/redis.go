// Package redis is everything authgo keeps in Redis, in a module of its own
// (the only one of authgo's that requires go-redis): a Store (New) for
// database sessions, verification tokens and JWT revocation epochs, a
// rate limiter shared by every instance (NewLimiter, for
// authgo.RateLimitConfig.Limiter) and a lock that makes instances refresh
// a provider token once (NewRefreshLock, for refresh.Config.Lock).
//
// The Store is for applications that keep their users somewhere else.
// Combine it with the store that keeps users:
//
//	sessions := redis.New(client)
//	a := adapter.Compose(users, sessions, sessions)
//
// Everything it writes expires by itself: a session key when the session
// expires, a verification token when the token does, a user's session index
// with the user's last session, a signed-out JWT session's record when its
// last token does. There is nothing to purge.
//
// The Store's layout, under its prefix (default "authgo:"):
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
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/authgo/authgo/adapter"
)

// DefaultPrefix is the prefix of every key a Store writes unless WithPrefix
// says otherwise.
const DefaultPrefix = "authgo:"

// Store keeps sessions, verification tokens and revocation epochs in Redis.
// It implements adapter.SessionStore, adapter.VerificationTokenStore,
// adapter.SessionLister, adapter.UserSessionsDeleter and
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
