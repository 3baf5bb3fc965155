package ratelimit

import (
	"context"
	"hash/maphash"
	"sync"
	"time"
)

// memoryShards is the number of independently locked parts of a Memory
// limiter; a power of two so that a hash picks one with a mask.
const memoryShards = 64

// sweepEvery is how often a shard drops its keys at rest, at most. The sweep
// runs inside a call that adds a key, so an idle limiter runs no code and
// needs no goroutine.
const sweepEvery = time.Minute

// evictSample is how many keys a full shard looks at to choose one to drop.
const evictSample = 8

// Memory is a Limiter that keeps its counts in this process. Use it when
// one instance serves all requests; behind a load balancer each instance
// would count alone, so use Redis there.
//
// A Memory limiter keeps at most its MaxKeys (see WithMaxKeys) and drops
// keys at rest as it goes; it starts no goroutine and needs no closing.
type Memory struct {
	now      func() time.Time
	epoch    time.Time // times are stored as nanoseconds since epoch
	seed     maphash.Seed
	shardCap int
	shards   [memoryShards]memoryShard
}

type memoryShard struct {
	mu        sync.Mutex
	tat       map[string]int64 // theoretical arrival time, ns since epoch
	lastSweep int64
	_         [40]byte // keep neighbouring shards' locks off one cache line
}

// NewMemory returns a Memory limiter. It reads WithClock and WithMaxKeys;
// by default it uses the system's monotonic clock and keeps at most
// DefaultMaxKeys keys.
func NewMemory(opts ...Option) *Memory {
	o := buildOptions(opts)
	m := &Memory{now: o.now, seed: maphash.MakeSeed()}
	if m.now == nil {
		m.now = time.Now
	}
	m.epoch = m.now()
	m.shardCap = max(1, o.maxKeys/memoryShards)
	for i := range m.shards {
		m.shards[i].tat = make(map[string]int64)
	}
	return m
}

func (m *Memory) shard(key string) *memoryShard {
	return &m.shards[maphash.String(m.seed, key)&(memoryShards-1)]
}

// clock returns the current time in nanoseconds since m.epoch. With the
// system clock this difference is monotonic, so wall-clock jumps do not
// change anyone's budget.
func (m *Memory) clock() int64 { return int64(m.now().Sub(m.epoch)) }

// Check reports whether key may have one more event now. It never fails
// for a valid Limit.
func (m *Memory) Check(_ context.Context, key string, l Limit) (Result, error) {
	if err := l.validate(); err != nil {
		return Result{}, err
	}
	now, iv, per := m.clock(), int64(l.interval()), int64(l.Per)
	s := m.shard(key)
	s.mu.Lock()
	tat, ok := s.tat[key]
	s.mu.Unlock()
	if !ok || tat < now {
		tat = now
	}
	allowed, _ := gcra(tat, now, iv, per)
	return result(allowed, tat-now, iv, per, time.Nanosecond), nil
}

// Hit counts one event for key if the limit allows it. It never fails for a
// valid Limit.
func (m *Memory) Hit(_ context.Context, key string, l Limit) (Result, error) {
	if err := l.validate(); err != nil {
		return Result{}, err
	}
	now, iv, per := m.clock(), int64(l.interval()), int64(l.Per)
	s := m.shard(key)
	s.mu.Lock()
	tat, ok := s.tat[key]
	if !ok || tat < now {
		tat = now
	}
	allowed, next := gcra(tat, now, iv, per)
	if allowed {
		if !ok {
			s.makeRoom(now, m.shardCap)
		}
		s.tat[key] = next
		tat = next
	}
	s.mu.Unlock()
	return result(allowed, tat-now, iv, per, time.Nanosecond), nil
}

// Reset forgets key. It never fails.
func (m *Memory) Reset(_ context.Context, key string) error {
	s := m.shard(key)
	s.mu.Lock()
	delete(s.tat, key)
	s.mu.Unlock()
	return nil
}

// Len returns the number of keys the limiter holds, including keys at rest
// that have not been swept yet.
func (m *Memory) Len() int {
	n := 0
	for i := range m.shards {
		s := &m.shards[i]
		s.mu.Lock()
		n += len(s.tat)
		s.mu.Unlock()
	}
	return n
}

// makeRoom is called with s.mu held before a new key is added. It drops the
// keys at rest once per sweepEvery, or at once when the shard is full; if it
// is still full, it drops the sampled key nearest to rest (the one whose
// loss forgives the fewest events). Go's map iteration starts at a random
// place, so the sample is spread over the shard.
func (s *memoryShard) makeRoom(now int64, capacity int) {
	full := len(s.tat) >= capacity
	if full || now-s.lastSweep >= int64(sweepEvery) {
		s.lastSweep = now
		for k, tat := range s.tat {
			if tat <= now {
				delete(s.tat, k)
			}
		}
	}
	for len(s.tat) >= capacity {
		var victim string
		oldest, n := int64(0), 0
		for k, tat := range s.tat {
			if n == 0 || tat < oldest {
				victim, oldest = k, tat
			}
			if n++; n == evictSample {
				break
			}
		}
		delete(s.tat, victim)
	}
}

var _ Limiter = (*Memory)(nil)
