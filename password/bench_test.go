package password_test

import (
	"testing"

	"golang.org/x/crypto/bcrypt"

	"github.com/authgo/authgo/internal/testenv"
	"github.com/authgo/authgo/password"
)

func BenchmarkHash(b *testing.B) {
	for b.Loop() {
		if _, err := password.Hash("correct horse battery staple"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyArgon2id(b *testing.B) {
	h, _ := password.Hash("correct horse battery staple")
	testenv.ReportCPU(b)
	for b.Loop() {
		if ok, _ := password.Verify("correct horse battery staple", h); !ok {
			b.Fatal("no match")
		}
	}
}

// BenchmarkVerifyBcrypt is a bcryptjs default-cost (10) hash being checked.
func BenchmarkVerifyBcrypt(b *testing.B) {
	h, _ := bcrypt.GenerateFromPassword([]byte("correct horse battery staple"), 10)
	for b.Loop() {
		if ok, _ := password.Verify("correct horse battery staple", string(h)); !ok {
			b.Fatal("no match")
		}
	}
}

// BenchmarkDummyVerify should read about the same as BenchmarkVerifyArgon2id.
func BenchmarkDummyVerify(b *testing.B) {
	for b.Loop() {
		password.DummyVerify("correct horse battery staple")
	}
}
