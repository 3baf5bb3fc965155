package authgo

import (
	"sync"
	"time"
)

// sessionCache keeps database session lookups in process for a short TTL
// (SessionConfig.CacheTTL), so a busy app does not read the same session
// row on every request. Sign-out and revocation through this Auth drop the
// entries at once; other instances see them go within the TTL.
type sessionCache struct {
	ttl    time.Duration
	mu     sync.Mutex
	byTok  map[string]cachedSession
	byUser map[string]map[string]struct{}
}

type cachedSession struct {
	row     SessionRecord
	user    User
	fetched time.Time
}

// maxCachedSessions bounds the cache; past it the cache starts over.
const maxCachedSessions = 100_000

func newSessionCache(ttl time.Duration) *sessionCache {
	return &sessionCache{ttl: ttl, byTok: map[string]cachedSession{}, byUser: map[string]map[string]struct{}{}}
}

func (c *sessionCache) get(token string, now time.Time) (*SessionRecord, *User, bool) {
	if c == nil || c.ttl <= 0 {
		return nil, nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byTok[token]
	if !ok || now.Sub(e.fetched) >= c.ttl {
		return nil, nil, false
	}
	row, user := e.row, e.user
	return &row, &user, true
}

func (c *sessionCache) put(row *SessionRecord, user *User, now time.Time) {
	if c == nil || c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.byTok) >= maxCachedSessions {
		clear(c.byTok)
		clear(c.byUser)
	}
	c.byTok[row.SessionToken] = cachedSession{row: *row, user: *user, fetched: now}
	if c.byUser[row.UserID] == nil {
		c.byUser[row.UserID] = map[string]struct{}{}
	}
	c.byUser[row.UserID][row.SessionToken] = struct{}{}
}

func (c *sessionCache) forget(token string) {
	if c == nil || c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byTok[token]; ok {
		delete(c.byUser[e.row.UserID], token)
	}
	delete(c.byTok, token)
}

func (c *sessionCache) forgetUser(userID string) {
	if c == nil || c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for tok := range c.byUser[userID] {
		delete(c.byTok, tok)
	}
	delete(c.byUser, userID)
}
