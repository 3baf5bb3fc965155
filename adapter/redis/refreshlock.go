package redis

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// RefreshLockOptions configures NewRefreshLock. Zero fields take the
// documented defaults.
type RefreshLockOptions struct {
	// Prefix starts every key. Default "authgo:refresh:".
	Prefix string
	// LockTTL is how long a lock is held at most, should its holder die.
	// Default 30 seconds.
	LockTTL time.Duration
	// ResultTTL is how long a result stays for instances that still hold
	// the old refresh token. Default 2 minutes.
	ResultTTL time.Duration
	// Poll is how often a waiting instance looks for the result. Default
	// 50 milliseconds.
	Poll time.Duration
}

// RefreshLock is a refresh.Lock shared by every instance that uses the
// same Redis: SET NX PX for the lock, a compare-and-delete script to
// release only a lock of one's own, and a short-lived result key. Give it
// to refresh.Config.Lock.
type RefreshLock struct {
	rdb goredis.UniversalClient
	o   RefreshLockOptions
}

// NewRefreshLock returns a RefreshLock on rdb.
func NewRefreshLock(rdb goredis.UniversalClient, o RefreshLockOptions) *RefreshLock {
	if o.Prefix == "" {
		o.Prefix = "authgo:refresh:"
	}
	if o.LockTTL <= 0 {
		o.LockTTL = 30 * time.Second
	}
	if o.ResultTTL <= 0 {
		o.ResultTTL = 2 * time.Minute
	}
	if o.Poll <= 0 {
		o.Poll = 50 * time.Millisecond
	}
	return &RefreshLock{rdb: rdb, o: o}
}

// releaseScript deletes the lock only when it still holds our value, so a
// holder whose lock expired cannot release another instance's lock.
var releaseScript = goredis.NewScript(`if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end return 0`)

// Do implements refresh.Lock.
func (l *RefreshLock) Do(ctx context.Context, key, resultKey string, fn func(ctx context.Context) ([]byte, error)) ([]byte, error) {
	lockKey, resKey := l.o.Prefix+"lock:"+key, l.o.Prefix+"result:"+resultKey
	me := rand.Text()
	for {
		if b, err := l.rdb.Get(ctx, resKey).Bytes(); err == nil {
			return b, nil
		} else if !errors.Is(err, goredis.Nil) {
			return nil, err
		}
		ok, err := l.rdb.SetNX(ctx, lockKey, me, l.o.LockTTL).Result()
		if err != nil {
			return nil, err
		}
		if ok {
			return l.holding(ctx, lockKey, resKey, me, fn)
		}
		t := time.NewTimer(l.o.Poll)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

func (l *RefreshLock) holding(ctx context.Context, lockKey, resKey, me string, fn func(ctx context.Context) ([]byte, error)) ([]byte, error) {
	defer func() {
		// Release even when ctx is done.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = releaseScript.Run(rctx, l.rdb, []string{lockKey}, me).Err()
	}()
	// A holder that finished between our look and our lock left its result.
	if b, err := l.rdb.Get(ctx, resKey).Bytes(); err == nil {
		return b, nil
	}
	b, err := fn(ctx)
	if err != nil {
		return nil, err
	}
	if err := l.rdb.Set(ctx, resKey, b, l.o.ResultTTL).Err(); err != nil {
		return nil, err
	}
	return b, nil
}
