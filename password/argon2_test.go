package password

import (
	"bytes"
	"encoding/hex"
	"errors"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/authgo/authgo/internal/testenv"
)

// RFC 9106 §5.3: the Argon2id test vector (with a secret and associated
// data, which x/crypto's IDKey cannot take).
func TestArgon2IDRFC9106Vector(t *testing.T) {
	pw := bytes.Repeat([]byte{0x01}, 32)
	salt := bytes.Repeat([]byte{0x02}, 16)
	secret := bytes.Repeat([]byte{0x03}, 8)
	data := bytes.Repeat([]byte{0x04}, 12)
	want := "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"
	for range 2 { // the second time on a pooled work area
		if got := hex.EncodeToString(argon2id(pw, salt, secret, data, 3, 32, 4, 32)); got != want {
			t.Fatalf("tag %s, want %s", got, want)
		}
	}
}

// The default parameters, and a spread of others, give x/crypto's bytes.
func TestArgon2IDMatchesXCrypto(t *testing.T) {
	cases := []struct {
		t, m   uint32
		p      uint8
		keyLen uint32
	}{
		{2, 19 * 1024, 1, 32}, // DefaultParams
		{1, 8, 1, 16},
		{1, 7, 1, 4},    // below 8p blocks: raised to 8p
		{3, 33, 1, 64},  // not a multiple of 4p: rounded down
		{2, 256, 3, 65}, // three lanes; a tag past one BLAKE2b output
		{1, 1024, 8, 128},
		{4, 600, 2, 97},
	}
	for _, c := range cases {
		pw, salt := []byte("correct horse battery staple"), []byte("somesaltsomesalt")
		want := argon2.IDKey(pw, salt, c.t, c.m, c.p, c.keyLen)
		for range 2 {
			if got := argon2id(pw, salt, nil, nil, c.t, c.m, c.p, c.keyLen); !bytes.Equal(got, want) {
				t.Fatalf("t=%d m=%d p=%d len=%d: %x, want %x", c.t, c.m, c.p, c.keyLen, got, want)
			}
		}
	}
}

// A hash takes its work area from the free list and gives it back: once
// one has run, the next Verify with the default parameters allocates a few
// small values, not 19 MiB. (The GC is off meanwhile, so that no idle
// cycles empty the list.)
func TestArgon2IDReusesWorkArea(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	h, err := Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if ok, err := Verify("correct horse battery staple", h); !ok || err != nil {
		t.Fatalf("Verify: %v %v", ok, err)
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
		t.Fatalf("Verify allocated %d bytes; the work area (%d bytes) was not reused", n, DefaultParams().Memory*1024)
	}
}

// freeAreas returns how many work areas the free list holds.
func freeAreas() int {
	workAreas.mu.Lock()
	defer workAreas.mu.Unlock()
	return len(workAreas.free)
}

// No more work areas exist than hashes may run at once: many hashes from
// many goroutines under a bound of 2 make at most 2 areas, and the free
// list keeps no more than the bound.
func TestArgon2IDWorkAreasBoundedByConcurrency(t *testing.T) {
	defer SetMaxConcurrent(SetMaxConcurrent(2))
	workAreas.mu.Lock()
	workAreas.free = nil // start from an empty list
	workAreas.mu.Unlock()
	h := Hasher{Params: Params{Memory: 1024, Time: 1, Threads: 1, SaltLength: 16, KeyLength: 32}}
	before := workAreas.made.Load()
	stored, err := h.Hash("pw")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var verified, busy atomic.Int64
	for range 8 {
		wg.Go(func() {
			for range 20 {
				switch ok, err := h.Verify("pw", stored); {
				case errors.Is(err, ErrBusy):
					busy.Add(1)
					runtime.Gosched()
				case err != nil || !ok:
					t.Errorf("Verify: %v %v", ok, err)
				default:
					verified.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if made := workAreas.made.Load() - before; made > 2 || made < 1 {
		t.Fatalf("%d hashes (%d refused) made %d work areas under a bound of 2", verified.Load()+1, busy.Load(), made)
	}
	for range 3 {
		workAreas.put(make([]block, 8))
	}
	if n := freeAreas(); n != 2 {
		t.Fatalf("the free list holds %d areas under a bound of 2", n)
	}
}

// The free list does not hold memory for good: GC cycles without a hash
// drop its areas. An area over areaMaxBlocks is never kept.
func TestArgon2IDWorkAreaReleased(t *testing.T) {
	argon2id([]byte("pw"), []byte("saltsalt"), nil, nil, 1, 64, 1, 32)
	if freeAreas() == 0 {
		t.Fatal("no work area in the free list after a hash")
	}
	// The list hears of a cycle from a cleanup, which runs in its own
	// goroutine after the cycle: allow it a few cycles more.
	for i := 0; freeAreas() > 0; i++ {
		if i == 20 {
			t.Fatalf("the free list still holds %d areas after %d GC cycles without a hash", freeAreas(), i)
		}
		runtime.GC()
		time.Sleep(time.Millisecond) // the cleanup goroutine's turn, not a timing check
	}
	workAreas.put(make([]block, areaMaxBlocks+1))
	if n := freeAreas(); n != 0 {
		t.Fatal("the free list kept an area over its limit")
	}
}

// A hash gives the processor up every yieldBlocks blocks: with one P, a
// goroutine that is ready to run gets it that often during a hash, not
// only when the runtime preempts the hash.
func TestArgon2IDYields(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	var turns atomic.Int64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			turns.Add(1)
			runtime.Gosched()
		}
	}()
	runtime.Gosched() // let it start
	const m = 8192    // blocks: 1 KiB each
	start := turns.Load()
	argon2idNow([]byte("pw"), []byte("saltsalt"), nil, nil, 1, m, 1, 32, yieldBlocks)
	got := turns.Load() - start
	close(stop)
	<-done
	if want := int64(m / yieldBlocks / 2); got < want { // of 31; preemption alone gives one or two
		t.Fatalf("another goroutine ran %d times during a hash of %d blocks, want at least %d", got, m, want)
	}
}

// FuzzArgon2IDMatchesXCrypto checks the hand-written Argon2id against
// x/crypto's for any password, salt and (small) parameters.
func FuzzArgon2IDMatchesXCrypto(f *testing.F) {
	f.Add([]byte("password"), []byte("saltsalt"), uint8(1), uint16(8), uint8(1), uint8(32))
	f.Add([]byte(""), []byte(""), uint8(3), uint16(100), uint8(4), uint8(4))
	f.Add(bytes.Repeat([]byte{0xff}, 200), []byte("s"), uint8(2), uint16(513), uint8(3), uint8(200))
	f.Fuzz(func(t *testing.T, pw, salt []byte, passes uint8, m uint16, p uint8, keyLen uint8) {
		tc := uint32(passes%4) + 1
		lanes := p%8 + 1
		mem := uint32(m % 2048)
		kl := uint32(keyLen)%253 + 4
		want := argon2.IDKey(pw, salt, tc, mem, lanes, kl)
		if got := argon2id(pw, salt, nil, nil, tc, mem, lanes, kl); !bytes.Equal(got, want) {
			t.Fatalf("t=%d m=%d p=%d len=%d: %x, want %x", tc, mem, lanes, kl, got, want)
		}
	})
}

// BenchmarkArgon2ID compares one hash with the default parameters here and
// in x/crypto (SSE4.1 assembly on amd64).
func BenchmarkArgon2ID(b *testing.B) {
	p := DefaultParams()
	pw, salt := []byte("correct horse battery staple"), []byte("somesaltsomesalt")
	b.Run("authgo", func(b *testing.B) {
		testenv.ReportCPU(b)
		for b.Loop() {
			argon2id(pw, salt, nil, nil, p.Time, p.Memory, p.Threads, p.KeyLength)
		}
	})
	b.Run("x-crypto", func(b *testing.B) {
		testenv.ReportCPU(b)
		for b.Loop() {
			argon2.IDKey(pw, salt, p.Time, p.Memory, p.Threads, p.KeyLength)
		}
	})
}
