package authgo

import (
	"slices"
	"strings"
	"testing"

	"github.com/authgo/authgo/amr"
)

// FuzzTokenMethods: the methods read from a database session token are
// always well-formed amr values, and a token made by methodsSuffix reads
// back its methods.
func FuzzTokenMethods(f *testing.F) {
	for _, s := range []string{"abc~pwd.otp.mfa", "abc", "~", "a~b~fed", "x~" + strings.Repeat("a", 20), "x~PWD.ö.otp"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		for _, m := range tokenMethods(token) {
			if !methodPattern.MatchString(m) {
				t.Fatalf("%q read method %q", token, m)
			}
		}
		ms := tokenMethods(token)
		if got := tokenMethods("random" + methodsSuffix(ms)); !slices.Equal(got, ms) {
			t.Fatalf("round trip of %q: %q", ms, got)
		}
	})
}

func TestCodeKind(t *testing.T) {
	for code, want := range map[string]string{"123456": amr.OTP, " 123 456 ": amr.OTP, "k7m2q-x9rtd": amr.BackupCode, "": amr.BackupCode, "12345678901": amr.BackupCode} {
		if got := codeKind(code); got != want {
			t.Errorf("codeKind(%q) = %q, want %q", code, got, want)
		}
	}
}
