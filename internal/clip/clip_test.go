package clip

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestString(t *testing.T) {
	cases := []struct {
		s    string
		n    int
		want string
	}{
		{"", 4, ""},
		{"abc", 3, "abc"},
		{"abcdef", 3, "abc"},
		{"abc", 0, ""},
		{"abc", -1, ""},
		{"aé", 2, "a"},         // é is 2 bytes: cut before it
		{"aé", 3, "aé"},        // it fits
		{"a€b", 2, "a"},        // € is 3 bytes
		{"a€b", 3, "a"},        // €'s last byte would be cut
		{"a€b", 4, "a€"},       // it fits
		{"a😀", 4, "a"},         // a 4-byte character, cut inside
		{"😀", 3, ""},           // nothing of it fits
		{"a\xffb", 2, "a\xff"}, // an invalid byte is kept
		{"a\x80\x80\x80\x80b", 3, "a\x80\x80"},
		{"a\xe2b", 2, "a\xe2"}, // a lead byte without its continuation
		{"a\ufffdb", 3, "a"},   // U+FFFD itself is a character
	}
	for _, c := range cases {
		if got := String(c.s, c.n); got != c.want {
			t.Errorf("String(%q, %d) = %q, want %q", c.s, c.n, got, c.want)
		}
	}
}

// FuzzString checks String's promises on any input: the result is a prefix
// of s of at most n bytes; it is s when s fits; it is valid UTF-8 when s is;
// and it is never more than utf8.UTFMax-1 bytes shorter than n.
func FuzzString(f *testing.F) {
	f.Add("a€b", 3)
	f.Add("😀😀", 5)
	f.Add("a\xffb", 2)
	f.Fuzz(func(t *testing.T, s string, n int) {
		got := String(s, n)
		if !strings.HasPrefix(s, got) || len(got) > max(n, 0) {
			t.Fatalf("String(%q, %d) = %q: not a prefix of at most n bytes", s, n, got)
		}
		if len(s) <= n && got != s {
			t.Fatalf("String(%q, %d) = %q, want s", s, n, got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("String(%q, %d) = %q cuts a character", s, n, got)
		}
		if n > 0 && len(s) > n && len(got) < n-(utf8.UTFMax-1) {
			t.Fatalf("String(%q, %d) = %q drops more than one character", s, n, got)
		}
	})
}
