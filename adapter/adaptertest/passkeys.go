package adaptertest

import (
	"testing"
	"time"

	"github.com/authgo/authgo/adapter"
)

// sameAuthenticator reports whether got is want, times compared as
// instants.
func sameAuthenticator(got *adapter.Authenticator, want adapter.Authenticator) bool {
	if got == nil || !got.CreatedAt.Equal(want.CreatedAt) || !got.LastUsedAt.Equal(want.LastUsedAt) {
		return false
	}
	g := *got
	g.CreatedAt, g.LastUsedAt, want.CreatedAt, want.LastUsedAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	return g == want
}

// testAuthenticatorManager checks the passkey management methods: each is
// scoped to the user, a credential of another user is not there.
func testAuthenticatorManager(t *testing.T, a adapter.Adapter) {
	m, ok := a.(adapter.AuthenticatorManager)
	if !ok {
		t.Skip("the adapter does not implement adapter.AuthenticatorManager")
	}
	c := ctx(t)
	u := mustUser(t, a, User{Email: "keys@example.com"})
	other := mustUser(t, a, User{Email: "thief@example.com"})
	mine := adapter.Authenticator{CredentialID: "bWluZS0x", UserID: u.ID, ProviderAccountID: "bWluZS0x", CredentialPublicKey: "pk",
		Counter: 3, CredentialDeviceType: "multiDevice", UserHandle: "aGFuZGxl", CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
	if _, err := a.CreateAuthenticator(c, mine); err != nil {
		t.Fatalf("CreateAuthenticator: %v", err)
	}

	used := time.Date(2026, 2, 3, 4, 5, 6, 7e6, time.UTC)
	got, err := m.UpdateAuthenticatorUse(c, mine.CredentialID, 9, true, used)
	noErr(t, "UpdateAuthenticatorUse", err)
	mine.Counter, mine.CredentialBackedUp, mine.LastUsedAt = 9, true, used
	if !sameAuthenticator(got, mine) {
		t.Errorf("UpdateAuthenticatorUse = %+v, want %+v", got, mine)
	}
	if got, _ := a.GetAuthenticator(c, mine.CredentialID); !sameAuthenticator(got, mine) {
		t.Errorf("GetAuthenticator after UpdateAuthenticatorUse = %+v, want %+v", got, mine)
	}
	if got, err := m.UpdateAuthenticatorUse(c, "bm9uZQ", 1, false, used); got != nil || err != nil {
		t.Errorf("UpdateAuthenticatorUse(missing) = %+v, %v; want nil, nil", got, err)
	}

	// Another user can neither rename nor delete it.
	if got, err := m.RenameAuthenticator(c, other.ID, mine.CredentialID, "stolen"); got != nil || err != nil {
		t.Errorf("RenameAuthenticator by another user = %+v, %v; want nil, nil", got, err)
	}
	if gone, err := m.DeleteAuthenticator(c, other.ID, mine.CredentialID); gone || err != nil {
		t.Errorf("DeleteAuthenticator by another user = %v, %v; want false, nil", gone, err)
	}
	if got, _ := a.GetAuthenticator(c, mine.CredentialID); !sameAuthenticator(got, mine) {
		t.Errorf("after another user's rename and delete: %+v, want %+v", got, mine)
	}

	got, err = m.RenameAuthenticator(c, u.ID, mine.CredentialID, "Phone 📱 ' \" ;--")
	noErr(t, "RenameAuthenticator", err)
	mine.Name = "Phone 📱 ' \" ;--"
	if !sameAuthenticator(got, mine) {
		t.Errorf("RenameAuthenticator = %+v, want %+v", got, mine)
	}
	if got, _ := a.GetAuthenticator(c, mine.CredentialID); !sameAuthenticator(got, mine) {
		t.Errorf("GetAuthenticator after RenameAuthenticator = %+v, want %+v", got, mine)
	}
	if got, err := m.RenameAuthenticator(c, u.ID, "bm9uZQ", "x"); got != nil || err != nil {
		t.Errorf("RenameAuthenticator(missing) = %+v, %v; want nil, nil", got, err)
	}

	gone, err := m.DeleteAuthenticator(c, u.ID, mine.CredentialID)
	noErr(t, "DeleteAuthenticator", err)
	if !gone {
		t.Error("DeleteAuthenticator of the user's credential = false, want true")
	}
	if got, _ := a.GetAuthenticator(c, mine.CredentialID); got != nil {
		t.Errorf("GetAuthenticator after DeleteAuthenticator = %+v, want nil", got)
	}
	if gone, err := m.DeleteAuthenticator(c, u.ID, mine.CredentialID); gone || err != nil {
		t.Errorf("DeleteAuthenticator again = %v, %v; want false, nil", gone, err)
	}
}
