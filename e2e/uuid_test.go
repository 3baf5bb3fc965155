package e2e_test

import (
	"math/rand/v2"
	"testing"

	googleuuid "github.com/google/uuid"

	"github.com/authgo/authgo/internal/uuid"
)

// TestUUIDsMatchGoogleUUID: the root module's own UUIDs (internal/uuid,
// which spares every app the github.com/google/uuid module) are the ones
// github.com/google/uuid makes: version 4 from the same random bytes, and
// version 5 of the same namespace and name (authgo.StableUserID's).
func TestUUIDsMatchGoogleUUID(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ns := uuid.MustParse("3d0f6f9e-5b7a-4c1e-9a57-2f4b8c0d6e21")
	for i := range 500 {
		var r [16]byte
		for j := range r {
			r[j] = byte(rng.Uint32())
		}
		got := string(uuid.Append(nil, &r))
		u, err := googleuuid.FromBytes(r[:]) // r now has the version and variant bits
		if err != nil || got != u.String() || u.Version() != 4 || u.Variant() != googleuuid.RFC4122 {
			t.Fatalf("%x: %s, google/uuid %s (version %d, variant %v)", r, got, u, u.Version(), u.Variant())
		}
		name := []byte{byte(i), byte(i >> 8), 'x'}
		if got, want := uuid.NewSHA1(ns, name), googleuuid.NewSHA1(googleuuid.UUID(ns), name).String(); got != want {
			t.Fatalf("NewSHA1(%x): %s, google/uuid %s", name, got, want)
		}
	}
	if got := uuid.MustParse(googleuuid.NameSpaceDNS.String()); got != [16]byte(googleuuid.NameSpaceDNS) {
		t.Fatalf("MustParse(DNS namespace) = %x", got)
	}
}
