package jwt

import (
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

// TestDecodeReleasesClearedBuffer checks the one release in decode: after a
// decode that succeeds, one that fails on its claims once the plaintext is
// in the buffer, one that fails authentication and one refused before any
// crypto, the buffer is back in the pool with every byte it held cleared.
func TestDecodeReleasesClearedBuffer(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	c, err := NewCodec([]string{"buffer-secret"}, WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	valid, err := c.Encode(Claims{Name: "Ada", Email: "ada@example.com"}, DefaultSalt, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	expired, err := c.Encode(map[string]any{"secret-claim": "s3cr3t"}, DefaultSalt, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	later, err := NewCodec([]string{"buffer-secret"}, WithClock(func() time.Time { return now.Add(time.Hour) }))
	if err != nil {
		t.Fatal(err)
	}
	p := strings.Split(valid, ".")
	badTag := strings.Join(p[:4], ".") + "." + strings.Repeat("A", len(p[4]))
	for _, tc := range []struct {
		name  string
		c     *Codec
		token string
		ok    bool
	}{
		{"valid", c, valid, true},
		{"expired", later, expired, false},
		{"bad tag", c, badTag, false},
		{"malformed", c, "a.b.c", false},
	} {
		checked := false
		// sync.Pool may drop a buffer (it does at random under -race) or
		// hand it to another P; a few tries find it.
		for range 50 {
			var cl Claims
			if err := tc.c.DecodeInto(tc.token, DefaultSalt, &cl); (err == nil) != tc.ok {
				t.Fatalf("%s: DecodeInto error %v", tc.name, err)
			}
			bp, _ := tc.c.bufs.Get().(*[]byte)
			if bp == nil {
				continue
			}
			if len(*bp) != 0 {
				t.Fatalf("%s: buffer back in the pool with length %d", tc.name, len(*bp))
			}
			for i, b := range (*bp)[:cap(*bp)] {
				if b != 0 {
					t.Fatalf("%s: byte %d of the released buffer is %#x, not cleared", tc.name, i, b)
				}
			}
			checked = true
			break
		}
		if !checked {
			t.Fatalf("%s: the pool never returned a buffer", tc.name)
		}
	}
}

// Encode's pooled scratch goes back with the claims and the plaintext
// cleared.
func TestEncodeReleasesClearedState(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1)) // a GC empties pools
	c, err := NewCodec([]string{"buffer-secret"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Encode(Claims{Name: "Ada", Email: "ada@example.com"}, DefaultSalt, time.Hour); err != nil {
		t.Fatal(err)
	}
	st, _ := c.encs.Get().(*encodeState)
	if st == nil {
		t.Fatal("Encode did not pool its state")
	}
	for _, b := range [][]byte{st.obj[:cap(st.obj)], st.pt[:cap(st.pt)]} {
		if strings.Contains(string(b), "Ada") || strings.Trim(string(b), "\x00") != "" {
			t.Fatalf("pooled scratch holds %q", b)
		}
	}
}
