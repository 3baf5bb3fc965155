package authgo

import "github.com/google/uuid"

// newUUID returns a random (version 4) UUID, as crypto.randomUUID makes.
// authgo makes every UUID with github.com/google/uuid (the SQL and memory
// adapters, the derived user ids of link.go, the jti of package jwt).
func newUUID() string { return uuid.NewString() }
