package uuid

import (
	"regexp"
	"testing"
)

var v4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// TestNew: random UUIDs have the version 4 form and differ.
func TestNew(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		u := New()
		if !v4.MatchString(u) || seen[u] {
			t.Fatalf("New() = %q (seen before: %v)", u, seen[u])
		}
		seen[u] = true
	}
}

// TestAppend: the bytes go out in order as 8-4-4-4-12 hex digits, with the
// version and variant set and nothing allocated.
func TestAppend(t *testing.T) {
	r := [16]byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0xff, 0x77, 0xff, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff}
	if got, want := string(Append(nil, &r)), "00112233-4455-4f77-bf99-aabbccddeeff"; got != want {
		t.Fatalf("Append = %s, want %s", got, want)
	}
	buf := make([]byte, 0, 36)
	if n := testing.AllocsPerRun(100, func() { Append(buf[:0], &r) }); n != 0 {
		t.Fatalf("Append allocates %v times", n)
	}
}

// TestNewSHA1: the RFC 9562 / RFC 4122 name-based UUIDs: the DNS namespace
// example, and the stable user ids authgo has given OAuth users (they must
// never change: sessions and rows hold them).
func TestNewSHA1(t *testing.T) {
	dns := MustParse("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
	if got, want := NewSHA1(dns, []byte("www.example.com")), "2ed6657d-e927-568b-95e1-2665a8aea6a2"; got != want {
		t.Fatalf("NewSHA1(DNS, www.example.com) = %s, want %s", got, want)
	}
}

// TestMustParse refuses what is not a UUID.
func TestMustParse(t *testing.T) {
	for _, s := range []string{"", "6ba7b810-9dad-11d1-80b4-00c04fd430c", "6ba7b810x9dad-11d1-80b4-00c04fd430c8", "6ba7b810-9dad-11d1-80b4-00c04fd430cg"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("MustParse(%q) did not panic", s)
				}
			}()
			MustParse(s)
		}()
	}
}
