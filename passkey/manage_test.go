package passkey_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/account"
	"github.com/authgo/authgo/passkey"
	"github.com/authgo/authgo/providers"
)

// withPassword adds a credentials provider that signs in ada@example.com
// (stored in the adapter) with "correct horse battery".
func withPassword(s **server) func(*authgo.Config) {
	return func(c *authgo.Config) {
		c.Providers = append(c.Providers, providers.Credentials(providers.CredentialsConfig{
			Authorize: func(ctx context.Context, cr authgo.Credentials, _ *http.Request) (*authgo.User, error) {
				if cr["email"] != "ada@example.com" || cr["password"] != "correct horse battery" {
					return nil, nil
				}
				return (*s).db.GetUserByEmail(ctx, "ada@example.com")
			},
		}))
	}
}

func (b *browser) passwordSignIn() {
	b.t.Helper()
	form := url.Values{"email": {"ada@example.com"}, "password": {"correct horse battery"}, "csrfToken": {b.csrf()}}
	req, _ := http.NewRequest(http.MethodPost, b.s.origin+"/api/auth/callback/credentials", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	b.do(req)
	if b.email() != "ada@example.com" {
		b.t.Fatal("password sign-in failed")
	}
}

// post sends a management request and decodes the JSON answer.
func (b *browser) post(form url.Values) (int, map[string]any) {
	b.t.Helper()
	if form.Get("csrfToken") == "" {
		form.Set("csrfToken", b.csrf())
	}
	req, _ := http.NewRequest(http.MethodPost, b.s.origin+"/api/auth/passkeys", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, body := b.do(req)
	var v map[string]any
	json.Unmarshal(body, &v)
	return res.StatusCode, v
}

func (b *browser) list() (int, []account.Passkey) {
	res, body := b.get("/api/auth/passkeys")
	var v struct{ Passkeys []account.Passkey }
	json.Unmarshal(body, &v)
	return res.StatusCode, v.Passkeys
}

// A user who signed up with a password adds a passkey while signed in,
// lists, renames and deletes it; the passkey then signs them in. Another
// user can neither see nor change it.
func TestManagePasskeys(t *testing.T) {
	var s *server
	s = newServer(t, passkey.Config{}, withPassword(&s))
	ctx := context.Background()
	ada, err := s.db.CreateUser(ctx, authgo.User{Email: "ada@example.com", Name: "Ada"})
	if err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	if status, _ := b.list(); status != http.StatusUnauthorized {
		t.Errorf("list signed out: %d, want 401", status)
	}
	b.passwordSignIn()

	keys := addTwoPasskeys(t, s, b)
	id0 := checkListAndRename(t, b, keys)
	checkOthersCannotTouch(t, s, id0)
	checkDeleteToLast(t, s, b, ada.ID, keys)
}

// addTwoPasskeys adds two passkeys to the signed-in account of b (Ada).
func addTwoPasskeys(t *testing.T, s *server, b *browser) []*softKey {
	t.Helper()
	// Add two passkeys to the existing account.
	keys := []*softKey{newSoftKey(t), newSoftKey(t)}
	for i, key := range keys {
		status, action, opts := b.options("action=register")
		if status != http.StatusOK || action != "register" {
			t.Fatalf("register options when signed in: %d %s", status, action)
		}
		if i == 1 && !strings.Contains(string(opts), b64.EncodeToString(keys[0].id)) {
			t.Errorf("the second registration does not exclude the first passkey: %s", opts)
		}
		if to := b.callback("register", key.create(t, opts, s.origin, nil)); !strings.HasSuffix(to, "/welcome") {
			t.Fatalf("adding a passkey went to %s", to)
		}
	}
	if string(keys[0].handle) != string(keys[1].handle) {
		t.Error("the user's two passkeys have different user handles")
	}
	if b.email() != "ada@example.com" {
		t.Fatal("not signed in as Ada after adding a passkey")
	}
	return keys
}

// checkListAndRename lists the two passkeys and renames the first; it returns its id.
func checkListAndRename(t *testing.T, b *browser, keys []*softKey) string {
	t.Helper()
	status, list := b.list()
	if status != http.StatusOK || len(list) != 2 {
		t.Fatalf("list = %d %+v", status, list)
	}
	id0 := base64.StdEncoding.EncodeToString(keys[0].id)
	if status, v := b.post(url.Values{"action": {"rename"}, "id": {id0}, "name": {"  Laptop  "}}); status != http.StatusOK || v["name"] != "Laptop" {
		t.Errorf("rename = %d %v", status, v)
	}
	if status, v := b.post(url.Values{"action": {"rename"}, "id": {id0}, "name": {"bad\x00name"}}); status != http.StatusBadRequest {
		t.Errorf("rename to a control character = %d %v", status, v)
	}
	if status, _ := b.post(url.Values{"action": {"rename"}, "id": {id0}, "name": {"x"}, "csrfToken": {"forged"}}); status != http.StatusForbidden {
		t.Errorf("rename with a forged CSRF token = %d, want 403", status)
	}

	return id0
}

// checkOthersCannotTouch: another user can neither see nor change the passkey id0.
func checkOthersCannotTouch(t *testing.T, s *server, id0 string) {
	t.Helper()
	// Another user cannot touch Ada's passkeys.
	mallory := s.browser()
	mallory.register(newSoftKey(t), "mallory@example.com")
	if _, list := mallory.list(); len(list) != 1 {
		t.Errorf("Mallory lists %d passkeys, want her one", len(list))
	}
	if status, _ := mallory.post(url.Values{"action": {"delete"}, "id": {id0}, "confirm": {"true"}}); status != http.StatusNotFound {
		t.Errorf("Mallory deletes Ada's passkey: %d, want 404", status)
	}
	if status, _ := mallory.post(url.Values{"action": {"rename"}, "id": {id0}, "name": {"mine"}}); status != http.StatusNotFound {
		t.Errorf("Mallory renames Ada's passkey: %d, want 404", status)
	}

}

// checkDeleteToLast deletes the first passkey, is refused the last unconfirmed, signs in with it and deletes it confirmed.
func checkDeleteToLast(t *testing.T, s *server, b *browser, adaID string, keys []*softKey) {
	t.Helper()
	ctx := context.Background()
	id0 := base64.StdEncoding.EncodeToString(keys[0].id)
	// Delete one; the last needs confirm (no email sign-in here).
	if status, v := b.post(url.Values{"action": {"delete"}, "id": {id0}}); status != http.StatusOK || v["deleted"] != true {
		t.Fatalf("delete = %d %v", status, v)
	}
	if acct, _ := s.db.GetAccount(ctx, "passkey", id0); acct != nil {
		t.Errorf("the deleted passkey's account remains: %+v", acct)
	}
	id1 := base64.StdEncoding.EncodeToString(keys[1].id)
	if status, v := b.post(url.Values{"action": {"delete"}, "id": {id1}}); status != http.StatusConflict || v["error"] != "LastPasskey" {
		t.Errorf("delete the last passkey = %d %v, want 409 LastPasskey", status, v)
	}
	if err := s.auth.DeletePasskey(ctx, adaID, id1, false); !errors.Is(err, account.ErrLastPasskey) {
		t.Errorf("DeletePasskey(last) = %v, want ErrLastPasskey", err)
	}

	// The remaining passkey signs Ada in; then she deletes it, confirmed.
	b.signOut()
	_, _, opts := b.options("")
	b.callback("authenticate", keys[1].get(t, opts, s.origin, nil))
	if b.email() != "ada@example.com" {
		t.Fatal("the added passkey does not sign Ada in")
	}
	if status, _ := b.post(url.Values{"action": {"delete"}, "id": {id1}, "confirm": {"true"}}); status != http.StatusOK {
		t.Errorf("confirmed delete of the last passkey = %d", status)
	}
	if list, _ := s.auth.ListPasskeys(ctx, adaID); len(list) != 0 {
		t.Errorf("passkeys left: %+v", list)
	}
}

// With DisableSignUp a browser that is not signed in gets no registration
// options.
func TestSignUpDisabled(t *testing.T) {
	s := newServer(t, passkey.Config{DisableSignUp: true}, nil)
	if status, body, _ := s.browser().options("action=register&email=new@example.com"); status != http.StatusBadRequest {
		t.Errorf("register options with sign-up disabled: %d %s", status, body)
	}
}

// New refuses a passkey provider without an adapter, with a sentence.
func TestNeedsAdapter(t *testing.T) {
	_, err := authgo.New(authgo.Config{Secret: []string{secret}, URL: "https://example.com/api/auth", Providers: []authgo.Provider{passkey.Provider(passkey.Config{})},
		LookupEnv: func(string) (string, bool) { return "", false }})
	if err == nil || !strings.Contains(err.Error(), "Adapter") {
		t.Errorf("New without an adapter: %v", err)
	}
	_, err = authgo.New(authgo.Config{Secret: []string{secret}, URL: "https://example.com/api/auth", Providers: []authgo.Provider{passkey.Provider(passkey.Config{RPID: "example.com", Origins: []string{"https://evil.example"}})},
		LookupEnv: func(string) (string, bool) { return "", false }, Adapter: newServer(t, passkey.Config{}, nil).db})
	if err == nil || !strings.Contains(err.Error(), "not on the RPID") {
		t.Errorf("New with an origin off the RP id: %v", err)
	}
}
