// Package ratelimit decides whether a client may make one more attempt at
// something costly or sensitive, such as signing in.
//
// A [Limiter] counts events per key with the generic cell rate algorithm
// (GCRA): a [Limit] of Events per Per allows a burst of Events at once, and
// then one more event every Per/Events. Nothing is stored for a key while it
// is at rest, so memory and Redis use grow only with the keys that are
// actually being limited.
//
// A sign-in reserves its attempt under all of its keys before the password
// is checked, in one atomic step, and takes the reservation back when the
// attempt turns out not to count:
//
//	keys := []ratelimit.Key{{Name: ipKey, Limit: perIP}, {Name: emailKey, Limit: perEmail}}
//	res, err := lim.Reserve(ctx, keys...) // counted under every key, or under none
//	res = policy.Decide(res, err)         // what to do if the backend failed
//	if !res.Allowed { /* 429, Retry-After: res.RetryAfter; no password hashing */ }
//	if !attemptFailed {
//		lim.Refund(ctx, keys...)          // only failures count
//	}
//
// Because the count is taken before the work, no number of parallel
// requests gets more attempts through than the limit allows. [Limiter.Check]
// only looks and reserves nothing: requests that check at the same instant
// may all go ahead, so it must never gate the work it limits.
//
// Two backends exist: [Memory], for a single process, and the Redis one
// (NewLimiter in the module github.com/authgo/authgo/adapter/redis), whose
// state is shared by every instance of an application. Both answer through
// [Answer], so they answer alike.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Limit is a rate: a burst of Events within Per, after which one more event
// is allowed each Per/Events. Limit{Events: 5, Per: 15 * time.Minute}
// allows five events at once and then one every three minutes; a key that
// sees no event for Per is back to its full burst.
type Limit struct {
	Events int
	Per    time.Duration
}

// Interval returns the emission interval Per/Events: after a burst, one
// more event is allowed each Interval.
func (l Limit) Interval() time.Duration { return l.Per / time.Duration(l.Events) }

// validate reports ErrInvalidLimit for a limit that allows nothing or whose
// interval is shorter than a microsecond (the Redis backend's resolution).
func (l Limit) validate() error {
	if l.Events < 1 || l.Per <= 0 || l.Interval() < time.Microsecond {
		return fmt.Errorf("%w: %d events per %v", ErrInvalidLimit, l.Events, l.Per)
	}
	return nil
}

// ErrInvalidLimit is returned for a Limit with no events, no period, or an
// emission interval (Per/Events) under one microsecond.
var ErrInvalidLimit = errors.New("ratelimit: invalid limit")

// Key is one of the keys a Reserve or Refund counts under: the caller's
// name for it and the limit it is counted against.
type Key struct {
	// Name is the caller's key, such as "signin:ip:192.0.2.1".
	Name string
	// Limit is the rate allowed under Name.
	Limit Limit
}

// Result is a limiter's answer for one key, or for all the keys of a
// Reserve.
type Result struct {
	// Allowed reports whether the event may happen now (Check) or was
	// counted (Hit, Reserve).
	Allowed bool
	// RetryAfter is, when Allowed is false, how long until one event will be
	// allowed again; it is zero when Allowed is true. HTTP callers round it
	// up to whole seconds for the Retry-After header.
	RetryAfter time.Duration
	// Remaining is how many more events the key may have right now.
	Remaining int
	// ResetAfter is how long until the key is back to its full burst with
	// no further events.
	ResetAfter time.Duration
	// LimitedBy is set by Reserve when it refuses: the Name of the key
	// whose limit refused the event (of several, the one with the longest
	// RetryAfter). It is empty otherwise, and always from Check and Hit.
	LimitedBy string
}

// Limiter counts events per key. Keys are opaque strings chosen by the
// caller, such as "signin:ip:192.0.2.1" or "signin:email:a@example.com";
// a Limiter does not interpret them. Implementations are safe for use by
// many goroutines.
//
// Errors are returned only when the backend fails (or a Limit is invalid);
// the caller then applies its [FailurePolicy].
type Limiter interface {
	// Check reports whether key may have one more event now, without
	// counting one. It reserves nothing, so it must not gate costly work:
	// use Reserve for that.
	Check(ctx context.Context, key string, l Limit) (Result, error)
	// Hit counts one event for key if the limit allows it: Reserve with
	// one key.
	Hit(ctx context.Context, key string, l Limit) (Result, error)
	// Reserve counts one event under every one of keys if each key's limit
	// allows it, in one atomic step: either the event is counted under all
	// keys or under none, and no other call sees a state in between. When
	// a limit is already reached, Reserve counts nothing and returns
	// Allowed false, with RetryAfter long enough for every refusing key, so
	// a client that keeps trying is not locked out for longer than the
	// limits say. An allowed Result has the smallest Remaining and the
	// longest ResetAfter of the keys. A name given twice is counted twice.
	// Reserve with no keys allows and counts nothing.
	Reserve(ctx context.Context, keys ...Key) (Result, error)
	// Refund takes back one event under each of keys, counted earlier by
	// Reserve or Hit with the same limits, as though it had not happened;
	// a key with nothing counted stays so. Callers refund an attempt that
	// turned out not to count (a sign-in that succeeded, say).
	Refund(ctx context.Context, keys ...Key) error
	// Reset forgets every event counted for key.
	Reset(ctx context.Context, key string) error
}

// gcra is the algorithm shared by both backends, in integer units (the
// memory backend uses nanoseconds, the Redis script microseconds). tat is
// the key's theoretical arrival time, now the current time, interval the
// emission interval and per the whole period. It returns whether one event
// fits and the new theoretical arrival time if it is counted.
func gcra(tat, now, interval, per int64) (allowed bool, next int64) {
	if tat < now {
		tat = now
	}
	next = tat + interval
	return next-now <= per, next
}

// ValidateKeys checks the limit of every key: the error of the first
// invalid one wraps ErrInvalidLimit. A backend calls it before it counts.
func ValidateKeys(keys []Key) error {
	for _, k := range keys {
		if err := k.Limit.validate(); err != nil {
			return err
		}
	}
	return nil
}

// Answer builds the Result of a Check (counting false) or a Reserve over
// keys from what a backend saw for each key, in unit: room[i], whether key
// i had room for one more event, and before[i], the distance from now to
// its theoretical arrival time before the call (zero or more). Every
// backend uses it, so they answer alike.
func Answer(keys []Key, room []bool, before []int64, counting bool, unit time.Duration) Result {
	all := true
	for _, ok := range room {
		all = all && ok
	}
	out := Result{Allowed: all}
	for i, k := range keys {
		iv, per := int64(k.Limit.Interval()/unit), int64(k.Limit.Per/unit)
		ahead := before[i]
		if all && counting {
			ahead += iv
		}
		r := result(room[i], ahead, iv, per, unit)
		out.ResetAfter = max(out.ResetAfter, r.ResetAfter)
		switch {
		case all && (i == 0 || r.Remaining < out.Remaining):
			out.Remaining = r.Remaining
		case !room[i] && (out.LimitedBy == "" || r.RetryAfter > out.RetryAfter):
			out.RetryAfter, out.LimitedBy = r.RetryAfter, k.Name
		}
	}
	return out
}

// result builds a Result from ahead, the distance from now to the key's
// theoretical arrival time after the call (zero or more), in the same unit
// as interval and per.
func result(allowed bool, ahead, interval, per int64, unit time.Duration) Result {
	if ahead < 0 {
		ahead = 0
	}
	r := Result{Allowed: allowed, ResetAfter: time.Duration(ahead) * unit}
	if rem := (per - ahead) / interval; rem > 0 {
		r.Remaining = int(rem)
	}
	if !allowed {
		r.RetryAfter = time.Duration(ahead+interval-per) * unit
	}
	return r
}

// FailurePolicy says what happens to a request when the limiter's backend
// fails, for instance when Redis is down. The zero value is FailClosed,
// the default for sign-in: an attacker who can overload the backend must
// not gain unlimited password guesses by doing so.
type FailurePolicy int

const (
	// FailClosed refuses requests while the backend fails.
	FailClosed FailurePolicy = iota
	// FailOpen lets requests through while the backend fails, trading
	// brute-force protection for availability.
	FailOpen
)

// UnavailableRetryAfter is the RetryAfter that FailClosed gives a refused
// request when the backend failed and so no real delay is known.
const UnavailableRetryAfter = 30 * time.Second

// Decide returns res unchanged when err is nil. When err is not nil the
// backend failed: FailClosed returns a refusal with RetryAfter
// UnavailableRetryAfter, FailOpen an allowance. Decide does not log; the
// caller still holds err and should log it (it never contains the key).
func (p FailurePolicy) Decide(res Result, err error) Result {
	if err == nil {
		return res
	}
	if p == FailOpen {
		return Result{Allowed: true}
	}
	return Result{Allowed: false, RetryAfter: UnavailableRetryAfter}
}

// String returns "fail-closed" or "fail-open".
func (p FailurePolicy) String() string {
	switch p {
	case FailClosed:
		return "fail-closed"
	case FailOpen:
		return "fail-open"
	}
	return fmt.Sprintf("FailurePolicy(%d)", int(p))
}

// Option configures a limiter made by NewMemory.
type Option func(*options)

type options struct {
	now     func() time.Time
	maxKeys int
}

func buildOptions(opts []Option) options {
	o := options{maxKeys: DefaultMaxKeys}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// WithClock makes the limiter read the time from now instead of the system
// clock. Tests use it.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// DefaultMaxKeys is the number of keys a Memory limiter keeps by default.
const DefaultMaxKeys = 1 << 18

// WithMaxKeys bounds the number of keys a Memory limiter keeps (default
// DefaultMaxKeys). When it is full, keys at rest are dropped first, then
// the key nearest to rest among a small sample.
func WithMaxKeys(n int) Option {
	return func(o *options) {
		if n > 0 {
			o.maxKeys = n
		}
	}
}
