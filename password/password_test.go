package password_test

import (
	"encoding/base64"
	"errors"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/authgo/authgo/password"
)

// Hashes made by the reference argon2 implementation (the argon2 command of
// Debian's libargon2, version 20171227), not by this package:
//
//	echo -n 'correct horse battery staple' | argon2 saltsaltsalt1234 -id -t 2 -k 19456 -p 1 -l 32 -e
//	echo -n 'pässwörd 🦫 日本' | argon2 0123456789abcdef -id -t 1 -k 64 -p 2 -l 16 -e
const (
	refPassword1 = "correct horse battery staple"
	refHash1     = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0MTIzNA$3sOlQyZQ3asEqhCko2TQGcIzwlkxeNQtuSu1sisMsMg"
	refPassword2 = "pässwörd 🦫 日本"
	refHash2     = "$argon2id$v=19$m=64,t=1,p=2$MDEyMzQ1Njc4OWFiY2RlZg$vmdWgKRWuMHWsIWj/FEEPA"
)

// cheap are parameters that keep tests fast.
var cheap = password.Hasher{Params: password.Params{Memory: 64, Time: 1, Threads: 1, SaltLength: 16, KeyLength: 32}}

var phcRE = regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestVerifyReferenceHashes(t *testing.T) {
	for _, tc := range []struct{ pw, hash string }{{refPassword1, refHash1}, {refPassword2, refHash2}} {
		ok, err := password.Verify(tc.pw, tc.hash)
		if err != nil || !ok {
			t.Errorf("Verify(%q, reference hash) = %v, %v; want true", tc.pw, ok, err)
		}
		ok, err = password.Verify(tc.pw+" ", tc.hash)
		if err != nil || ok {
			t.Errorf("Verify(wrong password) = %v, %v; want false, nil", ok, err)
		}
	}
}

func TestHashDefault(t *testing.T) {
	h1, err := password.Hash(refPassword1)
	if err != nil {
		t.Fatal(err)
	}
	if !phcRE.MatchString(h1) {
		t.Fatalf("Hash = %q, not argon2id with OWASP parameters", h1)
	}
	h2, _ := password.Hash(refPassword1)
	if h1 == h2 {
		t.Fatal("two hashes of one password are equal: salt not random")
	}
	salt, _ := base64.RawStdEncoding.DecodeString(strings.Split(h1, "$")[4])
	if len(salt) != 16 {
		t.Fatalf("salt is %d bytes", len(salt))
	}
	for _, h := range []string{h1, h2} {
		if ok, err := password.Verify(refPassword1, h); !ok || err != nil {
			t.Fatalf("Verify(own hash) = %v, %v", ok, err)
		}
		if ok, err := password.Verify("correct horse battery stapl", h); ok || err != nil {
			t.Fatalf("Verify(wrong) = %v, %v", ok, err)
		}
	}
	if password.NeedsRehash(h1) {
		t.Fatal("a fresh default hash needs a rehash")
	}
}

func TestUnicodePasswords(t *testing.T) {
	for _, pw := range []string{
		strings.Repeat("🦫", 64), // 256 bytes (ASVS 2.1.4)
		"パスワード 日本語 の テスト",
		"  spaces  inside and around  ",
		"Zoë Ångström ß ﬁ",
		"\u00e9",  // é precomposed
		"e\u0301", // é decomposed: a different password
	} {
		h, err := cheap.Hash(pw)
		if err != nil {
			t.Fatalf("Hash(%q): %v", pw, err)
		}
		if ok, err := cheap.Verify(pw, h); !ok || err != nil {
			t.Fatalf("Verify(%q) = %v, %v", pw, ok, err)
		}
	}
	h, _ := cheap.Hash("\u00e9")
	if ok, _ := cheap.Verify("e\u0301", h); ok {
		t.Fatal("passwords are normalised: decomposed é matched precomposed")
	}
	// No truncation in argon2id either.
	long := strings.Repeat("a", 100)
	h, _ = cheap.Hash(long)
	if ok, _ := cheap.Verify(long[:72], h); ok {
		t.Fatal("the first 72 bytes of a 100-byte password verified")
	}
}

func TestHashErrors(t *testing.T) {
	if _, err := password.Hash(""); !errors.Is(err, password.ErrEmptyPassword) {
		t.Errorf("Hash(\"\") error = %v", err)
	}
	if _, err := cheap.Hash(strings.Repeat("x", password.MaxLength)); err != nil {
		t.Errorf("Hash of MaxLength bytes: %v", err)
	}
	if _, err := cheap.Hash(strings.Repeat("x", password.MaxLength+1)); !errors.Is(err, password.ErrPasswordTooLong) {
		t.Errorf("Hash over MaxLength: %v", err)
	}
	if ok, err := cheap.Verify(strings.Repeat("x", password.MaxLength+1), refHash2); ok || !errors.Is(err, password.ErrPasswordTooLong) {
		t.Errorf("Verify over MaxLength = %v, %v", ok, err)
	}
	for _, p := range []password.Params{
		{Memory: 64, Time: 0, Threads: 1, SaltLength: 16, KeyLength: 32},
		{Memory: 64, Time: 1, Threads: 0, SaltLength: 16, KeyLength: 32},
		{Memory: 7, Time: 1, Threads: 1, SaltLength: 16, KeyLength: 32},
		{Memory: 64, Time: 1, Threads: 1, SaltLength: 4, KeyLength: 32},
		{Memory: 64, Time: 1, Threads: 1, SaltLength: 16, KeyLength: 8},
		{Memory: 1 << 30, Time: 1, Threads: 1, SaltLength: 16, KeyLength: 32},
	} {
		if _, err := (password.Hasher{Params: p}).Hash("pw"); err == nil {
			t.Errorf("Hash with %+v succeeded", p)
		}
	}
}

// bcryptHashes returns hashes of pw under each accepted prefix: $2a$ as
// x/crypto/bcrypt writes it, and $2b$ and $2y$ by swapping the prefix, as
// OpenBSD and PHP's password_hash write the same algorithm.
func bcryptHashes(t *testing.T, pw string, cost int) map[string]string {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(h), "$2a$") {
		t.Fatalf("x/crypto wrote %q", h)
	}
	return map[string]string{
		"2a": string(h),
		"2b": "$2b$" + string(h[4:]),
		"2y": "$2y$" + string(h[4:]),
	}
}

func TestVerifyBcrypt(t *testing.T) {
	const pw = "hunter2 🦫 ünïcode"
	for name, h := range bcryptHashes(t, pw, bcrypt.MinCost) {
		if ok, err := password.Verify(pw, h); !ok || err != nil {
			t.Errorf("$%s$: Verify(right) = %v, %v", name, ok, err)
		}
		if ok, err := password.Verify("hunter2", h); ok || err != nil {
			t.Errorf("$%s$: Verify(wrong) = %v, %v", name, ok, err)
		}
		if !password.NeedsRehash(h) {
			t.Errorf("$%s$: bcrypt hash does not need a rehash", name)
		}
	}
	// A hash a PHP application stored: $2y$, cost 10.
	php := bcryptHashes(t, "correct horse", 10)["2y"]
	if ok, err := password.Verify("correct horse", php); !ok || err != nil {
		t.Errorf("$2y$ cost 10: %v, %v", ok, err)
	}
}

// TestBcryptNoTruncation is ASVS 2.1.3: a 100-byte password must not sign
// in with its first 72 bytes. bcryptjs truncated silently when it hashed, so
// the stored hash is of the first 72 bytes; neither the full password nor
// anything else over 72 bytes verifies against it.
func TestBcryptNoTruncation(t *testing.T) {
	full := strings.Repeat("0123456789", 10)
	first72 := full[:72]
	stored := bcryptHashes(t, first72, bcrypt.MinCost)["2b"]
	if ok, err := password.Verify(first72, stored); !ok || err != nil {
		t.Fatalf("72-byte password: %v, %v", ok, err)
	}
	ok, err := password.Verify(full, stored)
	if ok || !errors.Is(err, password.ErrPasswordTooLong) {
		t.Fatalf("100-byte password against the hash of its first 72 bytes = %v, %v; want false, ErrPasswordTooLong", ok, err)
	}
	if strings.Contains(err.Error(), full) {
		t.Fatal("the error holds the password")
	}
	// 73 bytes of which the first 72 match: refused too.
	if ok, _ := password.Verify(first72+"x", stored); ok {
		t.Fatal("73-byte password verified")
	}
	// An argon2id hash of the full password: the first 72 bytes fail.
	h, _ := cheap.Hash(full)
	if ok, _ := cheap.Verify(first72, h); ok {
		t.Fatal("argon2id verified a truncated password")
	}
}

func TestVerifyMalformed(t *testing.T) {
	valid := refHash2
	parts := strings.Split(valid, "$")
	set := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	for _, tc := range []struct {
		name, hash string
		want       error
	}{
		{"empty", "", password.ErrUnsupportedHash},
		{"plaintext", "hunter2", password.ErrUnsupportedHash},
		{"md5crypt", "$1$abcdefgh$0123456789012345678901", password.ErrUnsupportedHash},
		{"argon2i", strings.Replace(valid, "argon2id", "argon2i", 1), password.ErrUnsupportedHash},
		{"argon2d", strings.Replace(valid, "argon2id", "argon2d", 1), password.ErrUnsupportedHash},
		{"bcrypt $2x$", "$2x$10$" + strings.Repeat("a", 53), password.ErrUnsupportedHash},
		{"bcrypt $2$", "$2$10$" + strings.Repeat("a", 53), password.ErrUnsupportedHash},
		{"version 16", set(2, "v=16"), password.ErrUnsupportedHash},
		{"no version", "$argon2id$m=64,t=1,p=2$" + parts[4] + "$" + parts[5], password.ErrInvalidHash},
		{"version junk", set(2, "v=x"), password.ErrUnsupportedHash},
		{"params reordered", set(3, "t=1,m=64,p=2"), password.ErrInvalidHash},
		{"params missing", set(3, "m=64,t=1"), password.ErrInvalidHash},
		{"params extra", set(3, "m=64,t=1,p=2,k=1"), password.ErrInvalidHash},
		{"negative", set(3, "m=-64,t=1,p=2"), password.ErrInvalidHash},
		{"plus sign", set(3, "m=+64,t=1,p=2"), password.ErrInvalidHash},
		{"leading zero", set(3, "m=064,t=1,p=2"), password.ErrInvalidHash},
		{"huge memory", set(3, "m=4294967295,t=1,p=2"), password.ErrInvalidHash},
		{"overflow", set(3, "m=99999999999,t=1,p=2"), password.ErrInvalidHash},
		{"huge time", set(3, "m=64,t=100000,p=2"), password.ErrInvalidHash},
		{"zero time", set(3, "m=64,t=0,p=2"), password.ErrInvalidHash},
		{"zero threads", set(3, "m=64,t=1,p=0"), password.ErrInvalidHash},
		{"256 threads", set(3, "m=4096,t=1,p=256"), password.ErrInvalidHash},
		{"memory below 8p", set(3, "m=8,t=1,p=2"), password.ErrInvalidHash},
		{"salt not base64", set(4, "!!!!"), password.ErrInvalidHash},
		{"salt padded", set(4, parts[4]+"=="), password.ErrInvalidHash},
		{"salt too short", set(4, "YWJj"), password.ErrInvalidHash},
		{"hash not base64", set(5, "***"), password.ErrInvalidHash},
		{"hash too short", set(5, "YWJj"), password.ErrInvalidHash},
		{"hash missing", strings.Join(parts[:5], "$"), password.ErrInvalidHash},
		{"extra segment", valid + "$x", password.ErrInvalidHash},
		{"too long", valid + strings.Repeat("A", 600), password.ErrInvalidHash},
		{"bcrypt too short", "$2b$10$abc", password.ErrInvalidHash},
		{"bcrypt bad cost", "$2b$99$" + strings.Repeat("a", 53), password.ErrInvalidHash},
		{"bcrypt cost letters", "$2b$ab$" + strings.Repeat("a", 53), password.ErrInvalidHash},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := password.Verify("pässwörd 🦫 日本", tc.hash)
			if ok || !errors.Is(err, tc.want) {
				t.Fatalf("Verify = %v, %v; want false, %v", ok, err, tc.want)
			}
			if !password.NeedsRehash(tc.hash) {
				t.Fatal("a hash that cannot be verified does not need a rehash")
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	strong := password.Hasher{Params: password.Params{Memory: 128, Time: 2, Threads: 1, SaltLength: 16, KeyLength: 32}}
	weakHash, _ := cheap.Hash("pw")
	strongHash, _ := strong.Hash("pw")
	if !strong.NeedsRehash(weakHash) {
		t.Error("a hash with less memory and time does not need a rehash")
	}
	if strong.NeedsRehash(strongHash) {
		t.Error("a hash with the Hasher's own parameters needs a rehash")
	}
	if cheap.NeedsRehash(strongHash) {
		t.Error("a stronger hash needs a rehash")
	}
	shortKey := password.Hasher{Params: password.Params{Memory: 128, Time: 2, Threads: 1, SaltLength: 16, KeyLength: 16}}
	h, _ := shortKey.Hash("pw")
	if !strong.NeedsRehash(h) {
		t.Error("a hash with a shorter key does not need a rehash")
	}
	// The reference hash has OWASP's parameters exactly.
	if password.NeedsRehash(refHash1) {
		t.Error("the OWASP-parameter reference hash needs a rehash")
	}
	if !password.NeedsRehash(refHash2) {
		t.Error("a 64 KiB reference hash does not need a rehash under the defaults")
	}
}

func TestDummyVerify(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    password.Hasher
		pw   string
	}{
		{"defaults", password.Hasher{}, "anything"},
		{"empty password", cheap, ""},
		{"huge password", cheap, strings.Repeat("x", 10*password.MaxLength)},
		{"bad parameters", password.Hasher{Params: password.Params{Memory: 1}}, "x"},
	} {
		if ok, err := tc.h.DummyVerify(tc.pw); ok || err != nil {
			t.Fatalf("%s: DummyVerify = %v, %v; want false, nil", tc.name, ok, err)
		}
	}
	if ok, err := password.DummyVerify("anything"); ok || err != nil {
		t.Fatalf("DummyVerify = %v, %v", ok, err)
	}
}
