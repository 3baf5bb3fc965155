package demo

import (
	"context"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// TestStoredPasswords: the seeded users' passwords are argon2id hashes
// with salts of their own, kept in authgo's table (password accounts), never in clear.
func TestStoredPasswords(t *testing.T) {
	app := newTestApp(t, "")
	ctx := context.Background()
	seen := map[string]bool{}
	for _, u := range demoUsers {
		got, err := app.db.GetUserByEmail(ctx, u.Email)
		if err != nil || got == nil || got.Role != u.Role {
			t.Fatalf("user %s: %+v %v", u.Email, got, err)
		}
		h, err := app.db.GetPasswordHash(ctx, got.ID)
		if err != nil || !strings.HasPrefix(h, "$argon2id$") || strings.Contains(h, testPassword) {
			t.Errorf("hash of %s: %q %v", u.Email, h, err)
		}
		if seen[h] {
			t.Errorf("two users share a hash (same salt)")
		}
		seen[h] = true
	}
}

// TestBcryptRehashed: a user migrated with a bcrypt hash (as bcryptjs
// writes them) signs in, and the hash is replaced by argon2id.
func TestBcryptRehashed(t *testing.T) {
	app := newTestApp(t, "")
	ctx := context.Background()
	u, _ := app.db.GetUserByEmail(ctx, "viewer@example.com")
	b, err := bcrypt.GenerateFromPassword([]byte(testPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.db.SetPasswordHash(ctx, u.ID, "", strings.Replace(string(b), "$2a$", "$2b$", 1)); err != nil {
		t.Fatal(err)
	}
	app.browser("").mustLogin("viewer@example.com")
	if h, _ := app.db.GetPasswordHash(ctx, u.ID); !strings.HasPrefix(h, "$argon2id$") {
		t.Errorf("hash after sign-in: %q", h)
	}
}
