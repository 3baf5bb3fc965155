package passkey_test

import (
	"context"
	"testing"

	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/internal/webauthn"
	"github.com/authgo/authgo/passkey"
)

// FuzzCeremonyResponse feeds any bytes to both finish steps as the
// browser's credential: each must refuse them with a *webauthn.Error (never
// panic, never accept).
func FuzzCeremonyResponse(f *testing.F) {
	p := passkey.Provider(passkey.Config{}).(webauthn.Provider)
	rp := webauthn.RelyingParty{ID: "localhost", Name: "localhost", Origins: []string{"http://localhost:3000"}}
	ctx := context.Background()
	reg, err := p.BeginRegistration(ctx, rp, webauthn.User{Handle: []byte("handle"), Name: "ada@example.com"}, nil)
	if err != nil {
		f.Fatal(err)
	}
	login, err := p.BeginAuthentication(ctx, rp)
	if err != nil {
		f.Fatal(err)
	}
	key := newSoftKey(f)
	f.Add([]byte(key.create(f, reg.Options, "http://localhost:3000", nil)))
	f.Add([]byte(key.get(f, login.Options, "http://localhost:3000", nil)))
	f.Add([]byte(`{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{}}`))
	f.Add([]byte(`{}`))
	lookup := func(context.Context, []byte) (*adapter.Authenticator, error) {
		return &adapter.Authenticator{CredentialID: "AAAA", CredentialPublicKey: "pQECAyYgASFYIA", CredentialDeviceType: "singleDevice"}, nil
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if _, err := p.FinishAuthentication(ctx, rp, login.State, data, lookup); webauthn.CodeOf(err) == "" {
			t.Fatalf("FinishAuthentication(%q) = %v, want a refusal", data, err)
		}
		if c, err := p.FinishRegistration(ctx, rp, reg.State, data); err == nil && c == nil {
			t.Fatalf("FinishRegistration(%q) accepted nothing", data)
		}
	})
}
