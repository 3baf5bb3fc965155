package adaptertest

import (
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo/adapter"
)

func testUsers(t *testing.T, o Options, a adapter.Adapter) {
	c := ctx(t)
	verified := time.Date(2026, 3, 4, 5, 6, 7, 891_000_000, time.FixedZone("UTC+5:30", 5*3600+1800))

	// An empty ID makes the adapter generate a UUID.
	ada := User{Name: "Ada Lovelace", Email: "ada@example.com", EmailVerified: &verified, Image: "https://example.com/ada.png", Role: "admin"}
	got := mustUser(t, a, ada)
	if !o.isGenerated(got.ID) {
		t.Errorf("generated id %q is not a UUID (or, with integer ids, a number)", got.ID)
	}
	ada.ID = got.ID
	sameUser(t, "CreateUser", got, ada)

	// A given ID is kept; where the database makes ids, it is refused.
	grace := User{ID: "user-grace", Email: "grace@example.com"}
	if o.IntegerIDs {
		_, err := a.CreateUser(c, grace)
		checkErr(t, "CreateUser with an id where the database makes them", err, nil)
		grace = *mustUser(t, a, User{Email: grace.Email})
	} else {
		sameUser(t, "CreateUser with an id", mustUser(t, a, grace), grace)
	}

	// Two users without an email do not collide.
	n1, n2 := mustUser(t, a, o.user(User{Name: "No Email 1"})), mustUser(t, a, o.user(User{Name: "No Email 2"}))
	if n1.ID == n2.ID {
		t.Errorf("two generated ids are both %q", n1.ID)
	}

	u, err := a.GetUser(c, ada.ID)
	noErr(t, "GetUser", err)
	sameUser(t, "GetUser", u, ada)
	u, err = a.GetUserByEmail(c, "ada@example.com")
	noErr(t, "GetUserByEmail", err)
	sameUser(t, "GetUserByEmail", u, ada)
	u, err = a.GetUser(c, grace.ID)
	noErr(t, "GetUser", err)
	sameUser(t, "GetUser(user-grace)", u, grace)
	if u.EmailVerified != nil || u.Name != "" || u.Image != "" || u.Role != "" {
		t.Errorf("empty fields came back as %+v", u)
	}

	// Not found is (nil, nil).
	for name, get := range map[string]func() (*User, error){
		"GetUser(missing)":           func() (*User, error) { return a.GetUser(c, "no-such-user") },
		"GetUser(empty)":             func() (*User, error) { return a.GetUser(c, "") },
		"GetUserByEmail(missing)":    func() (*User, error) { return a.GetUserByEmail(c, "nobody@example.com") },
		"GetUserByEmail(empty)":      func() (*User, error) { return a.GetUserByEmail(c, "") },
		"GetUserByEmail(other case)": func() (*User, error) { return a.GetUserByEmail(c, "ADA@example.com") },
		"GetUserByAccount(missing)":  func() (*User, error) { return a.GetUserByAccount(c, "github", "1") },
		"GetUser(NUL)":               func() (*User, error) { return a.GetUser(c, "a\x00") },
		"GetUserByEmail(bad UTF-8)":  func() (*User, error) { return a.GetUserByEmail(c, "\xffa@example.com") },
		"GetUserByAccount(NUL)":      func() (*User, error) { return a.GetUserByAccount(c, "github\x00", "\xff") },
	} {
		u, err := get()
		if u != nil || err != nil {
			t.Errorf("%s = %+v, %v; want nil, nil", name, u, err)
		}
	}

	// A returned user is a copy: changing it changes nothing stored.
	u, _ = a.GetUser(c, ada.ID)
	u.Name = "changed"
	if again, _ := a.GetUser(c, ada.ID); again.Name != ada.Name {
		t.Errorf("changing a returned user changed the stored one: %q", again.Name)
	}

	noErr(t, "DeleteUser", a.DeleteUser(c, ada.ID))
	if u, err := a.GetUser(c, ada.ID); u != nil || err != nil {
		t.Errorf("GetUser after DeleteUser = %+v, %v; want nil, nil", u, err)
	}
	if u, err := a.GetUserByEmail(c, ada.Email); u != nil || err != nil {
		t.Errorf("GetUserByEmail after DeleteUser = %+v, %v; want nil, nil", u, err)
	}
	noErr(t, "DeleteUser(missing)", a.DeleteUser(c, ada.ID))
	// The email is free again.
	mustUser(t, a, User{Email: ada.Email})
}

func testUserEmailUnique(t *testing.T, o Options, a adapter.Adapter) {
	c := ctx(t)
	first := mustUser(t, a, User{Email: "taken@example.com", Name: "First"})
	u, err := a.CreateUser(c, User{Email: "taken@example.com", Name: "Second"})
	if u != nil {
		t.Errorf("CreateUser with a taken email returned %+v", u)
	}
	checkErr(t, "CreateUser with a taken email", err, adapter.ErrDuplicate)
	if strings.Contains(err.Error(), "taken@example.com") {
		t.Errorf("the error %q repeats the email address", err)
	}
	got, err := a.GetUserByEmail(c, "taken@example.com")
	noErr(t, "GetUserByEmail", err)
	sameUser(t, "the first user", got, *first)

	// The same id twice is a duplicate too (where ids can be given).
	if !o.IntegerIDs {
		_, err = a.CreateUser(c, User{ID: first.ID, Email: "other@example.com"})
		checkErr(t, "CreateUser with a taken id", err, adapter.ErrDuplicate)
	}
}

func testUpdateUser(t *testing.T, a adapter.Adapter) {
	c := ctx(t)
	verified := time.Now().Add(-time.Hour)
	u := mustUser(t, a, User{Name: "Before", Email: "before@example.com", Image: "https://example.com/a.png", Role: "user"})
	other := mustUser(t, a, User{Email: "other@example.com"})

	want := User{ID: u.ID, Name: "After", Email: "after@example.com", EmailVerified: &verified, Role: "admin"}
	got, err := a.UpdateUser(c, want)
	noErr(t, "UpdateUser", err)
	sameUser(t, "UpdateUser result", got, want) // Image cleared: fields are replaced
	got, err = a.GetUser(c, u.ID)
	noErr(t, "GetUser", err)
	sameUser(t, "GetUser after UpdateUser", got, want)
	if got, _ := a.GetUserByEmail(c, "before@example.com"); got != nil {
		t.Errorf("the old email still finds %+v", got)
	}
	if got, _ := a.GetUserByEmail(c, "after@example.com"); got == nil || got.ID != u.ID {
		t.Errorf("the new email finds %+v", got)
	}

	// Clearing EmailVerified.
	want.EmailVerified = nil
	got, err = a.UpdateUser(c, want)
	noErr(t, "UpdateUser clearing emailVerified", err)
	sameUser(t, "UpdateUser clearing emailVerified", got, want)

	// Taking another user's email is a duplicate and changes nothing.
	_, err = a.UpdateUser(c, User{ID: u.ID, Email: other.Email})
	checkErr(t, "UpdateUser to a taken email", err, adapter.ErrDuplicate)
	got, _ = a.GetUser(c, u.ID)
	sameUser(t, "the user after a refused update", got, want)

	// A missing user is (nil, nil) and creates nothing.
	got, err = a.UpdateUser(c, User{ID: "no-such-user", Email: "ghost@example.com"})
	if got != nil || err != nil {
		t.Errorf("UpdateUser(missing) = %+v, %v; want nil, nil", got, err)
	}
	if got, _ := a.GetUser(c, "no-such-user"); got != nil {
		t.Errorf("UpdateUser(missing) created %+v", got)
	}
}

func testAccounts(t *testing.T, a adapter.Adapter) {
	c := ctx(t)
	u := mustUser(t, a, User{Email: "linked@example.com"})
	acc := adapter.Account{
		UserID: u.ID, Type: "oidc", Provider: "google", ProviderAccountID: "1089",
		RefreshToken: "refresh", AccessToken: "access", ExpiresAt: 1_900_000_000,
		TokenType: "bearer", Scope: "openid email profile", IDToken: "eyJ.id.token", SessionState: "state",
	}
	noErr(t, "LinkAccount", a.LinkAccount(c, acc))
	minimal := adapter.Account{UserID: u.ID, Type: "oauth", Provider: "github", ProviderAccountID: "42"}
	noErr(t, "LinkAccount(minimal)", a.LinkAccount(c, minimal))

	got, err := a.GetAccount(c, "google", "1089")
	noErr(t, "GetAccount", err)
	if got == nil || *got != acc {
		t.Errorf("GetAccount = %+v, want %+v", got, acc)
	}
	got, err = a.GetAccount(c, "github", "42")
	noErr(t, "GetAccount(minimal)", err)
	if got == nil || *got != minimal {
		t.Errorf("GetAccount(minimal) = %+v, want %+v", got, minimal)
	}
	gu, err := a.GetUserByAccount(c, "google", "1089")
	noErr(t, "GetUserByAccount", err)
	sameUser(t, "GetUserByAccount", gu, *u)

	for name, pa := range map[string][2]string{
		"other provider":   {"gitlab", "1089"},
		"other account id": {"google", "1090"},
		"swapped":          {"1089", "google"},
	} {
		if got, err := a.GetAccount(c, pa[0], pa[1]); got != nil || err != nil {
			t.Errorf("GetAccount(%s) = %+v, %v; want nil, nil", name, got, err)
		}
		if got, err := a.GetUserByAccount(c, pa[0], pa[1]); got != nil || err != nil {
			t.Errorf("GetUserByAccount(%s) = %+v, %v; want nil, nil", name, got, err)
		}
	}

	// (provider, providerAccountId) is unique, even for another user.
	other := mustUser(t, a, User{Email: "other@example.com"})
	err = a.LinkAccount(c, adapter.Account{UserID: other.ID, Type: "oidc", Provider: "google", ProviderAccountID: "1089"})
	checkErr(t, "LinkAccount of a linked account", err, adapter.ErrDuplicate)
	if gu, _ := a.GetUserByAccount(c, "google", "1089"); gu == nil || gu.ID != u.ID {
		t.Errorf("after a refused link the account belongs to %+v", gu)
	}

	noErr(t, "UnlinkAccount", a.UnlinkAccount(c, "google", "1089"))
	if got, err := a.GetAccount(c, "google", "1089"); got != nil || err != nil {
		t.Errorf("GetAccount after UnlinkAccount = %+v, %v; want nil, nil", got, err)
	}
	if got, err := a.GetUserByAccount(c, "google", "1089"); got != nil || err != nil {
		t.Errorf("GetUserByAccount after UnlinkAccount = %+v, %v; want nil, nil", got, err)
	}
	noErr(t, "UnlinkAccount(missing)", a.UnlinkAccount(c, "google", "1089"))
	if got, _ := a.GetAccount(c, "github", "42"); got == nil {
		t.Error("UnlinkAccount removed another account")
	}
	// Linking again after unlinking works, to another user.
	noErr(t, "LinkAccount after UnlinkAccount", a.LinkAccount(c, adapter.Account{UserID: other.ID, Type: "oidc", Provider: "google", ProviderAccountID: "1089"}))
}

func testAccountNeedsUser(t *testing.T, a adapter.Adapter) {
	c := ctx(t)
	err := a.LinkAccount(c, adapter.Account{UserID: "no-such-user", Type: "oauth", Provider: "github", ProviderAccountID: "7"})
	checkErr(t, "LinkAccount to a missing user", err, nil)
	if got, _ := a.GetAccount(c, "github", "7"); got != nil {
		t.Errorf("an account of a missing user was stored: %+v", got)
	}
	_, err = a.CreateSession(c, adapter.Session{SessionToken: "orphan", UserID: "no-such-user", Expires: time.Now().Add(time.Hour)})
	checkErr(t, "CreateSession of a missing user", err, nil)
	_, err = a.CreateAuthenticator(c, adapter.Authenticator{CredentialID: "orphan", UserID: "no-such-user", ProviderAccountID: "orphan", CredentialPublicKey: "pk", CredentialDeviceType: "singleDevice"})
	checkErr(t, "CreateAuthenticator of a missing user", err, nil)
}

func testAuthenticators(t *testing.T, o Options, a adapter.Adapter) {
	c := ctx(t)
	u := mustUser(t, a, User{Email: "passkey@example.com"})
	other := mustUser(t, a, User{Email: "other@example.com"})

	list, err := a.ListAuthenticatorsByUserID(c, u.ID)
	noErr(t, "ListAuthenticatorsByUserID(none)", err)
	if len(list) != 0 {
		t.Errorf("ListAuthenticatorsByUserID(none) = %+v", list)
	}

	one := adapter.Authenticator{
		CredentialID: "Y3JlZC0x", UserID: u.ID, ProviderAccountID: "Y3JlZC0x",
		CredentialPublicKey: "pQECAyYgASFYIA", Counter: o.counter(), CredentialDeviceType: "multiDevice",
		CredentialBackedUp: true, Transports: "internal,hybrid",
		UserHandle: "dXNlci1oYW5kbGU", AAGUID: "fbfc3007-154e-4ecc-8c0b-6e020557d7bd", Name: "Laptop ✓",
		CreatedAt: time.Date(2026, 3, 4, 5, 6, 7, 89e6, time.UTC),
	}
	two := adapter.Authenticator{
		CredentialID: "Y3JlZC0y", UserID: u.ID, ProviderAccountID: "Y3JlZC0y",
		CredentialPublicKey: "pQECAyYgASFYIB", CredentialDeviceType: "singleDevice",
	}
	for _, x := range []adapter.Authenticator{one, two} {
		got, err := a.CreateAuthenticator(c, x)
		noErr(t, "CreateAuthenticator", err)
		if !sameAuthenticator(got, x) {
			t.Errorf("CreateAuthenticator = %+v, want %+v", got, x)
		}
	}
	_, err = a.CreateAuthenticator(c, adapter.Authenticator{CredentialID: one.CredentialID, UserID: other.ID, ProviderAccountID: "x", CredentialPublicKey: "x", CredentialDeviceType: "singleDevice"})
	checkErr(t, "CreateAuthenticator with a taken credential id", err, adapter.ErrDuplicate)

	got, err := a.GetAuthenticator(c, one.CredentialID)
	noErr(t, "GetAuthenticator", err)
	if !sameAuthenticator(got, one) {
		t.Errorf("GetAuthenticator = %+v, want %+v", got, one)
	}
	if got, err := a.GetAuthenticator(c, "bm9uZQ"); got != nil || err != nil {
		t.Errorf("GetAuthenticator(missing) = %+v, %v; want nil, nil", got, err)
	}
	// Credential ids are base64: case matters.
	if got, err := a.GetAuthenticator(c, strings.ToLower(one.CredentialID)); got != nil || err != nil {
		t.Errorf("GetAuthenticator(other case) = %+v, %v; want nil, nil", got, err)
	}

	list, err = a.ListAuthenticatorsByUserID(c, u.ID)
	noErr(t, "ListAuthenticatorsByUserID", err)
	if len(list) != 2 {
		t.Fatalf("ListAuthenticatorsByUserID = %+v, want two", list)
	}
	for _, x := range list {
		if !sameAuthenticator(&x, one) && !sameAuthenticator(&x, two) {
			t.Errorf("listed %+v, want one of the two created", x)
		}
	}
	if list, _ := a.ListAuthenticatorsByUserID(c, other.ID); len(list) != 0 {
		t.Errorf("another user's authenticators = %+v", list)
	}

	got, err = a.UpdateAuthenticatorCounter(c, two.CredentialID, 7)
	noErr(t, "UpdateAuthenticatorCounter", err)
	two.Counter = 7
	if !sameAuthenticator(got, two) {
		t.Errorf("UpdateAuthenticatorCounter = %+v, want %+v", got, two)
	}
	if got, _ := a.GetAuthenticator(c, two.CredentialID); got == nil || got.Counter != 7 {
		t.Errorf("GetAuthenticator after UpdateAuthenticatorCounter = %+v", got)
	}
	if got, err := a.UpdateAuthenticatorCounter(c, "bm9uZQ", 9); got != nil || err != nil {
		t.Errorf("UpdateAuthenticatorCounter(missing) = %+v, %v; want nil, nil", got, err)
	}
}

func testCascade(t *testing.T, a adapter.Adapter) {
	c := ctx(t)
	u := mustUser(t, a, User{Email: "gone@example.com"})
	keep := mustUser(t, a, User{Email: "kept@example.com"})
	for _, x := range []*User{u, keep} {
		noErr(t, "LinkAccount", a.LinkAccount(c, adapter.Account{UserID: x.ID, Type: "oauth", Provider: "github", ProviderAccountID: x.ID}))
		_, err := a.CreateSession(c, adapter.Session{SessionToken: "s-" + x.ID, UserID: x.ID, Expires: time.Now().Add(time.Hour)})
		noErr(t, "CreateSession", err)
		_, err = a.CreateAuthenticator(c, adapter.Authenticator{CredentialID: "c-" + x.ID, UserID: x.ID, ProviderAccountID: "c-" + x.ID, CredentialPublicKey: "pk", CredentialDeviceType: "singleDevice"})
		noErr(t, "CreateAuthenticator", err)
	}

	noErr(t, "DeleteUser", a.DeleteUser(c, u.ID))

	if got, err := a.GetAccount(c, "github", u.ID); got != nil || err != nil {
		t.Errorf("the deleted user's account: %+v, %v", got, err)
	}
	if got, err := a.GetUserByAccount(c, "github", u.ID); got != nil || err != nil {
		t.Errorf("GetUserByAccount of the deleted user: %+v, %v", got, err)
	}
	if got, err := a.GetSession(c, "s-"+u.ID); got != nil || err != nil {
		t.Errorf("the deleted user's session: %+v, %v", got, err)
	}
	if s, got, err := a.GetSessionAndUser(c, "s-"+u.ID); s != nil || got != nil || err != nil {
		t.Errorf("GetSessionAndUser of the deleted user: %+v, %+v, %v", s, got, err)
	}
	if got, err := a.GetAuthenticator(c, "c-"+u.ID); got != nil || err != nil {
		t.Errorf("the deleted user's authenticator: %+v, %v", got, err)
	}
	if list, err := a.ListAuthenticatorsByUserID(c, u.ID); len(list) != 0 || err != nil {
		t.Errorf("the deleted user's authenticators: %+v, %v", list, err)
	}

	// The other user keeps everything.
	if got, _ := a.GetAccount(c, "github", keep.ID); got == nil {
		t.Error("DeleteUser removed another user's account")
	}
	if s, got, _ := a.GetSessionAndUser(c, "s-"+keep.ID); s == nil || got == nil {
		t.Error("DeleteUser removed another user's session")
	}
	if got, _ := a.GetAuthenticator(c, "c-"+keep.ID); got == nil {
		t.Error("DeleteUser removed another user's authenticator")
	}
}
