package password

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParsePHC checks that the PHC parser never panics, that everything it
// accepts is within bounds and encodes back to the same string (one
// encoding per hash), and that Verify on arbitrary strings only fails with
// the package's errors.
func FuzzParsePHC(f *testing.F) {
	for _, s := range []string{
		"$argon2id$v=19$m=64,t=1,p=2$MDEyMzQ1Njc4OWFiY2RlZg$vmdWgKRWuMHWsIWj/FEEPA",
		"$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0MTIzNA$3sOlQyZQ3asEqhCko2TQGcIzwlkxeNQtuSu1sisMsMg",
		"$argon2id$v=19$m=4294967295,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
		"$argon2i$v=19$m=64,t=1,p=1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA",
		"$2b$04$abcdefghijklmnopqrstuu5bBn.BuZEeqYAOIDvmAXPjTmPnUb2ZW",
		"$2y$",
		"$$$$$",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ph, err := parsePHC(s)
		if err == nil {
			if ph.params.validate() != nil {
				t.Fatalf("%q: accepted out-of-bounds parameters %+v", s, ph.params)
			}
			if got := encodePHC(ph.params, ph.salt, ph.key); got != s {
				t.Fatalf("%q re-encodes as %q", s, got)
			}
		} else if !errors.Is(err, ErrInvalidHash) && !errors.Is(err, ErrUnsupportedHash) {
			t.Fatalf("%q: error %v is no sentinel", s, err)
		}
		// Verify for real only where the work is small.
		small := err == nil && ph.params.Memory <= 256 && ph.params.Time <= 2
		if scheme(s) == schemeBcrypt {
			small = strings.HasPrefix(s[4:], "04$") || strings.HasPrefix(s[4:], "05$")
		}
		if small || scheme(s) == schemeUnknown {
			ok, verr := Hasher{}.Verify("pw", s)
			if ok {
				t.Fatalf("%q verified a fuzzed hash", s)
			}
			if verr != nil && !errors.Is(verr, ErrInvalidHash) && !errors.Is(verr, ErrUnsupportedHash) {
				t.Fatalf("%q: Verify error %v is no sentinel", s, verr)
			}
		}
	})
}
