package ratelimit

import (
	"context"
	"hash/maphash"
	"slices"
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

func (m *Memory) shardIndex(key string) uint64 {
	return maphash.String(m.seed, key) & (memoryShards - 1)
}

func (m *Memory) shard(key string) *memoryShard { return &m.shards[m.shardIndex(key)] }

// clock returns the current time in nanoseconds since m.epoch. With the
// system clock this difference is monotonic, so wall-clock jumps do not
// change anyone's budget.
func (m *Memory) clock() int64 { return int64(m.now().Sub(m.epoch)) }

// Check reports whether key may have one more event now. It never fails
// for a valid Limit.
func (m *Memory) Check(_ context.Context, key string, l Limit) (Result, error) {
	r, err := m.reserve([]Key{{Name: key, Limit: l}}, false)
	r.LimitedBy = ""
	return r, err
}

// Hit counts one event for key if the limit allows it. It never fails for a
// valid Limit.
func (m *Memory) Hit(_ context.Context, key string, l Limit) (Result, error) {
	r, err := m.reserve([]Key{{Name: key, Limit: l}}, true)
	r.LimitedBy = ""
	return r, err
}

// Reserve counts one event under every key if all their limits allow it,
// or under none. It holds the locks of every shard involved while it looks
// and writes, so no other call sees a state in between. It never fails for
// valid Limits.
func (m *Memory) Reserve(_ context.Context, keys ...Key) (Result, error) {
	return m.reserve(keys, true)
}

// pending is a theoretical arrival time a reserve has computed and not yet
// written; a later key of the same name sees it.
type pending struct {
	s   *memoryShard
	key string
	tat int64
}

// reserve looks at every key with their shards locked, and writes the new
// times when counting and every key has room.
func (m *Memory) reserve(keys []Key, counting bool) (Result, error) {
	if err := ValidateKeys(keys); err != nil {
		return Result{}, err
	}
	shards := m.lockShards(keys)
	defer unlockShards(shards)
	now := m.clock()
	room := make([]bool, len(keys))
	before := make([]int64, len(keys))
	writes := make([]pending, 0, len(keys))
	for i, k := range keys {
		s := m.shard(k.Name)
		tat := s.tat[k.Name]
		for _, p := range writes {
			if p.key == k.Name {
				tat = p.tat
			}
		}
		tat = max(tat, now)
		var next int64
		room[i], next = gcra(tat, now, int64(k.Limit.Interval()), int64(k.Limit.Per))
		before[i] = tat - now
		writes = append(writes, pending{s: s, key: k.Name, tat: next})
	}
	res := Answer(keys, room, before, counting, time.Nanosecond)
	if counting && res.Allowed {
		for _, p := range writes {
			if _, ok := p.s.tat[p.key]; !ok {
				p.s.makeRoom(now, m.shardCap)
			}
			p.s.tat[p.key] = p.tat
		}
	}
	return res, nil
}

// Refund takes back one event under each key. It never fails for valid
// Limits.
func (m *Memory) Refund(_ context.Context, keys ...Key) error {
	if err := ValidateKeys(keys); err != nil {
		return err
	}
	shards := m.lockShards(keys)
	defer unlockShards(shards)
	now := m.clock()
	for _, k := range keys {
		s := m.shard(k.Name)
		tat, ok := s.tat[k.Name]
		if !ok {
			continue
		}
		if tat -= int64(k.Limit.Interval()); tat <= now {
			delete(s.tat, k.Name)
		} else {
			s.tat[k.Name] = tat
		}
	}
	return nil
}

// lockShards locks the shards of keys, each once and in the order of their
// index, so that two calls over the same shards cannot deadlock. It returns
// them for unlockShards.
func (m *Memory) lockShards(keys []Key) []*memoryShard {
	idx := make([]uint64, 0, len(keys))
	for _, k := range keys {
		idx = append(idx, m.shardIndex(k.Name))
	}
	slices.Sort(idx)
	idx = slices.Compact(idx)
	out := make([]*memoryShard, len(idx))
	for i, j := range idx {
		out[i] = &m.shards[j]
		out[i].mu.Lock()
	}
	return out
}

func unlockShards(shards []*memoryShard) {
	for _, s := range shards {
		s.mu.Unlock()
	}
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
