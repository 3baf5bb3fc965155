package factor

import (
	"strings"
	"testing"
)

func TestSealRoundTripAndRotation(t *testing.T) {
	old, _ := NewKeys([]string{"old-secret-old-secret-old-secret!"})
	sealed := old.Seal("u1", "JBSWY3DPEHPK3PXP")
	if strings.Contains(sealed, "JBSWY3DP") {
		t.Fatal("sealed value shows the secret")
	}
	if p, stale, err := old.Open("u1", sealed); err != nil || p != "JBSWY3DPEHPK3PXP" || stale {
		t.Fatalf("open = %q %v %v", p, stale, err)
	}
	if _, _, err := old.Open("u2", sealed); err == nil {
		t.Fatal("a value sealed for u1 opened for u2")
	}
	rotated, _ := NewKeys([]string{"new-secret-new-secret-new-secret!", "old-secret-old-secret-old-secret!"})
	p, stale, err := rotated.Open("u1", sealed)
	if err != nil || p != "JBSWY3DPEHPK3PXP" || !stale {
		t.Fatalf("after rotation open = %q stale=%v %v", p, stale, err)
	}
	if _, stale, _ := rotated.Open("u1", rotated.Seal("u1", p)); stale {
		t.Fatal("a value sealed with the newest key is stale")
	}
	retired, _ := NewKeys([]string{"new-secret-new-secret-new-secret!"})
	if _, _, err := retired.Open("u1", sealed); err == nil {
		t.Fatal("a value sealed with a retired secret opened")
	}
	for _, bad := range []string{"", "v1.", "v1.x.y", sealed[:len(sealed)-2], "v2" + sealed[2:]} {
		if _, _, err := old.Open("u1", bad); err == nil {
			t.Fatalf("malformed %q opened", bad)
		}
	}
}

func TestBackupCodes(t *testing.T) {
	k, _ := NewKeys([]string{"a-secret-a-secret-a-secret-a-secret"})
	codes, hashes := k.NewBackupCodes(10)
	if len(codes) != 10 || len(hashes) != 10 {
		t.Fatalf("got %d codes, %d hashes", len(codes), len(hashes))
	}
	seen := map[string]bool{}
	for i, c := range codes {
		if len(c) != 11 || c[5] != '-' || seen[c] {
			t.Fatalf("code %q malformed or repeated", c)
		}
		seen[c] = true
		if strings.Contains(hashes[i], c[:5]) {
			t.Fatal("hash shows the code")
		}
		if got := k.MatchBackupCode(strings.ToUpper(strings.ReplaceAll(c, "-", " ")), hashes); got != i {
			t.Fatalf("code %d matched %d", i, got)
		}
	}
	if k.MatchBackupCode("aaaaa-aaaaa", hashes) != -1 || k.MatchBackupCode("", hashes) != -1 {
		t.Fatal("a wrong code matched")
	}
	rotated, _ := NewKeys([]string{"b-secret-b-secret-b-secret-b-secret", "a-secret-a-secret-a-secret-a-secret"})
	if rotated.MatchBackupCode(codes[3], hashes) != 3 {
		t.Fatal("a code hashed under the older secret is refused after rotation")
	}
}

func FuzzNormalizeBackupCode(f *testing.F) {
	for _, s := range []string{"k7m2q-x9rtd", "K7M2Q X9RTD", "", "0000000000", strings.Repeat("a", 40), "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, ok := NormalizeBackupCode(s)
		if !ok {
			return
		}
		if len(c) != codeLen {
			t.Fatalf("%q normalised to %q", s, c)
		}
		for _, r := range c {
			if !strings.ContainsRune(codeAlphabet, r) {
				t.Fatalf("%q normalised to %q", s, c)
			}
		}
		if again, ok := NormalizeBackupCode(c); !ok || again != c {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, c, again)
		}
	})
}

func FuzzOpen(f *testing.F) {
	k, _ := NewKeys([]string{"a-secret-a-secret-a-secret-a-secret"})
	f.Add(k.Seal("u", "JBSWY3DPEHPK3PXP"))
	f.Add("v1..")
	f.Fuzz(func(t *testing.T, s string) {
		p, _, err := k.Open("u", s)
		if err == nil && p != "JBSWY3DPEHPK3PXP" {
			t.Fatalf("forged value %q opened to %q", s, p)
		}
	})
}
