package password_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/authgo/authgo/password"
	"github.com/authgo/authgo/password/pwnedtest"
)

func TestPolicyLengths(t *testing.T) {
	ctx := context.Background()
	var p password.Policy
	for _, c := range []struct {
		pw   string
		want error
	}{
		{"", password.ErrTooShort},
		{"1234567", password.ErrTooShort},
		{"12345678", nil},
		{"пароль12", nil},                 // 8 characters, 16 bytes
		{"🔑🔑🔑🔑🔑🔑🔑", password.ErrTooShort}, // 7 characters, 28 bytes
		{strings.Repeat("a", 128), nil},   // at the bound
		{strings.Repeat("a", 129), password.ErrTooLong},
		{strings.Repeat("a", 10<<10), password.ErrTooLong}, // 10 KB
		{"abc\x00defghij", password.ErrInvalid},
		{"abcdefgh\n", password.ErrInvalid},
		{"abcdefg\xff", password.ErrInvalid},
	} {
		err := p.Check(ctx, c.pw)
		if !errors.Is(err, c.want) || (c.want == nil && err != nil) {
			t.Errorf("Check(%.20q) = %v, want %v", c.pw, err, c.want)
		}
	}
	if err := (password.Policy{MinLength: 12, MaxLength: 20}).Check(ctx, "12345678901"); !errors.Is(err, password.ErrTooShort) {
		t.Errorf("MinLength 12: %v", err)
	}
}

// The same password typed as composed or decomposed characters, or with
// full-width digits, is one password after Normalize.
func TestNormalizeNFKC(t *testing.T) {
	composed, decomposed := "café-Ünïcode", "cafe\u0301-U\u0308ni\u0308code"
	if password.Normalize(composed) != password.Normalize(decomposed) {
		t.Fatal("composed and decomposed forms differ after Normalize")
	}
	if got := password.Normalize("pass１２３"); got != "pass123" {
		t.Fatalf("full-width digits: %q", got)
	}
	h, err := password.Hash(password.Normalize(decomposed))
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := password.Verify(password.Normalize(composed), h); !ok {
		t.Fatal("a password hashed in one normal form does not verify in the other")
	}
}

// The k-anonymity client against the test server: only a 5-digit prefix
// is sent, breached passwords are found, others are not, a failing server
// is an error that the policy lets through unless FailClosed.
func TestPwnedPasswords(t *testing.T) {
	ctx := context.Background()
	srv := pwnedtest.NewServer(3, "P@ssw0rd123", "correct horse")
	defer srv.Close()
	c := password.PwnedPasswords{BaseURL: srv.URL}
	for pw, want := range map[string]bool{"P@ssw0rd123": true, "correct horse": true, "a fresh long passphrase 9341": false} {
		got, err := c.Breached(ctx, pw)
		if err != nil || got != want {
			t.Errorf("Breached(%q) = %v, %v; want %v", pw, got, err, want)
		}
	}
	for _, path := range srv.Requests() {
		if len(strings.TrimPrefix(path, "/range/")) != 5 {
			t.Errorf("request %q sent more than a 5-digit prefix", path)
		}
	}
	if got, _ := (password.PwnedPasswords{BaseURL: srv.URL, MinCount: 4}).Breached(ctx, "P@ssw0rd123"); got {
		t.Error("MinCount 4 counted a password seen 3 times")
	}

	p := password.Policy{Breached: c}
	if err := p.Check(ctx, "P@ssw0rd123"); !errors.Is(err, password.ErrBreached) || password.Acceptable(err) {
		t.Errorf("breached password: %v", err)
	}
	srv.FailWith(http.StatusServiceUnavailable)
	err := p.Check(ctx, "P@ssw0rd123")
	var be *password.BreachCheckError
	if !errors.As(err, &be) || !password.Acceptable(err) {
		t.Errorf("fail open: %v (acceptable %v)", err, password.Acceptable(err))
	}
	p.FailClosed = true
	if err := p.Check(ctx, "P@ssw0rd123"); !errors.Is(err, password.ErrBreached) || password.Acceptable(err) {
		t.Errorf("fail closed: %v", err)
	}
}

func TestBreachedList(t *testing.T) {
	ctx := context.Background()
	in := "# top passwords\n123456789\r\n\nqwertyuiop\n" +
		"CBFDAC6008F9CAB4083784CBD1874F76618D2A97:24230577\n" // SHA-1 of "password123"
	l, err := password.ReadBreachedList(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if l.Len() != 3 {
		t.Fatalf("Len = %d", l.Len())
	}
	for pw, want := range map[string]bool{"123456789": true, "qwertyuiop": true, "password123": true, "# top passwords": false, "unlisted-pass": false} {
		if got, _ := l.Breached(ctx, pw); got != want {
			t.Errorf("Breached(%q) = %v", pw, got)
		}
	}
	if got, _ := password.NewBreachedList("ｐａｓｓｗｏｒｄ１").Breached(ctx, "password1"); !got {
		t.Error("NewBreachedList does not Normalize its entries")
	}
}

func FuzzRangeCount(f *testing.F) {
	f.Add("0018A45C4D1DEF81644B54AB7F969B88D65:1\r\n00D4F6E8FA6EECAD2A3AA415EEC418D38EC:2\r\n", "00D4F6E8FA6EECAD2A3AA415EEC418D38EC")
	f.Add(":\n\n", "")
	f.Fuzz(func(t *testing.T, body, suffix string) {
		n, err := password.RangeCount(strings.NewReader(body), suffix)
		if err != nil && n != 0 {
			t.Fatalf("error %v with count %d", err, n)
		}
		if n < 0 {
			t.Fatalf("negative count %d", n)
		}
	})
}

func FuzzReadBreachedList(f *testing.F) {
	f.Add("# c\n123456\nCBFDAC6008F9CAB4083784CBD1874F76618D2A97:1\n")
	f.Fuzz(func(t *testing.T, in string) {
		l, err := password.ReadBreachedList(strings.NewReader(in))
		if err != nil {
			return
		}
		if l.Len() > strings.Count(in, "\n")+1 {
			t.Fatalf("%d entries from %d lines", l.Len(), strings.Count(in, "\n")+1)
		}
	})
}

// A sign-up checks the Normalized password against a Policy before it
// hashes it; a test server stands in for Have I Been Pwned.
func ExamplePolicy() {
	hibp := pwnedtest.NewServer(1, "Tr0ub4dor&3") // PwnedPasswords{} asks api.pwnedpasswords.com
	defer hibp.Close()
	p := password.Policy{Breached: password.PwnedPasswords{BaseURL: hibp.URL}}
	for _, pw := range []string{"short", "Tr0ub4dor&3", "ｃｏｒｒｅｃｔ horse battery staple"} {
		pw = password.Normalize(pw) // NFKC: full-width letters become ASCII
		fmt.Printf("%q: %v\n", pw, p.Check(context.Background(), pw))
	}
	// Output:
	// "short": password: too short: at least 8 characters
	// "Tr0ub4dor&3": password: found in a data breach
	// "correct horse battery staple": <nil>
}
