package pages

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/authgo/authgo/jwt"
)

func codec(t *testing.T, secret string, now func() time.Time) *jwt.Codec {
	t.Helper()
	c, err := jwt.NewCodec([]string{secret}, jwt.WithClock(now))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var loginFields = []Field{{Name: "email", Type: "email"}, {Name: "pin", Type: "PASSWORD"}, {Name: "team"}}

func TestNewFlashKeepsNoPassword(t *testing.T) {
	posted := map[string]string{"email": "ada@example.com", "pin": "1234-secret", "team": "", "extra": "not a field"}
	f := NewFlash("credentials", loginFields, func(k string) string { return posted[k] }, map[string]string{"pin": "Too short."})
	if f.Provider != "credentials" || len(f.Values) != 1 || f.Values["email"] != "ada@example.com" {
		t.Errorf("values %v: want the email alone (no password, no empty value, no unknown field)", f.Values)
	}
	if f.Errors["pin"] != "Too short." {
		t.Errorf("errors %v", f.Errors)
	}

	long := strings.Repeat("é", 300) // 600 bytes
	many := map[string]string{}
	for i := range 40 {
		many[strings.Repeat("k", i+1)] = long
	}
	f = NewFlash("c", []Field{{Name: "email"}}, func(string) string { return long }, many)
	if v := f.Values["email"]; len(v) > maxFlashText || !strings.HasPrefix(long, v) || len(v) < maxFlashText-1 {
		t.Errorf("value cut to %d bytes (%q…)", len(v), v[:4])
	}
	if len(f.Errors) != maxFlashFields {
		t.Errorf("%d errors kept, want %d", len(f.Errors), maxFlashFields)
	}
}

func TestFlashRoundTrip(t *testing.T) {
	now := time.Unix(1_900_000_000, 0)
	clock := func() time.Time { return now }
	s := codec(t, "flash-test-secret-0123456789abcdef0123456789", clock)
	o := FlashCookie(true, "/api/auth")
	if o.Name != "__Secure-"+FlashCookieName || !o.Secure || !o.HTTPOnly || o.Path != "/api/auth" || o.MaxAge != FlashMaxAge || o.SameSite != http.SameSiteLaxMode {
		t.Fatalf("cookie options %+v", o)
	}
	want := Flash{Provider: "credentials", Values: map[string]string{"email": "ada@example.com"}, Errors: map[string]string{"email": "Check it."}}
	w := httptest.NewRecorder()
	if err := SaveFlash(w, o, s, want); err != nil {
		t.Fatal(err)
	}
	set := w.Result().Cookies()
	if len(set) != 1 || strings.Contains(set[0].Value, "ada") {
		t.Fatalf("cookies %v", set)
	}
	take := func(value string) (Flash, bool, []*http.Cookie) {
		r := httptest.NewRequest("GET", "/api/auth/signin", nil)
		r.AddCookie(&http.Cookie{Name: o.Name, Value: value})
		w := httptest.NewRecorder()
		f, ok := TakeFlash(w, r, o, s)
		return f, ok, w.Result().Cookies()
	}
	got, ok, cleared := take(set[0].Value)
	if !ok || got.Provider != want.Provider || got.Values["email"] != "ada@example.com" || got.Errors["email"] != "Check it." {
		t.Fatalf("took %+v %v", got, ok)
	}
	if len(cleared) != 1 || cleared[0].MaxAge != -1 || cleared[0].Path != "/api/auth" {
		t.Errorf("the flash cookie is not deleted: %v", cleared)
	}

	// Expired: a minute later, past the codec's clock tolerance.
	now = now.Add(FlashMaxAge + jwt.ClockTolerance)
	if _, ok, cleared := take(set[0].Value); ok || len(cleared) != 1 {
		t.Errorf("an expired flash was taken (ok %v) or not deleted (%v)", ok, cleared)
	}
	now = now.Add(-FlashMaxAge - jwt.ClockTolerance)
	// Sealed for another cookie name, with another secret, or not sealed.
	forged, _ := codec(t, "another-secret-0123456789abcdef0123456789ab", clock).Encode(want, o.Name, time.Minute)
	other, _ := s.Encode(want, "authjs.session-token", time.Minute)
	for name, v := range map[string]string{"other secret": forged, "other salt": other, "plain": "eyJwIjoiY3JlZGVudGlhbHMifQ", "huge": strings.Repeat("a", 5000)} {
		if f, ok, _ := take(v); ok || f.Provider != "" {
			t.Errorf("%s: took %+v", name, f)
		}
	}
	// No cookie: nothing taken, nothing written.
	w = httptest.NewRecorder()
	if _, ok := TakeFlash(w, httptest.NewRequest("GET", "/", nil), o, s); ok || len(w.Result().Cookies()) != 0 {
		t.Error("a request without a flash cookie got one deleted or a flash")
	}
}

// TestSignInFlashFillsItsForm: a flash refills the inputs of its own
// provider's form, never a password input, and adds its errors where
// FieldErrors has none.
func TestSignInFlashFillsItsForm(t *testing.T) {
	ps := []Provider{
		{ID: "credentials", Name: "Password", Type: TypeCredentials, CallbackURL: "/cb/credentials", Fields: []Field{
			{Name: "email", Label: "Email", Type: "email"}, {Name: "password", Label: "Password", Type: "password"}}},
		{ID: "staff", Name: "Staff", Type: TypeCredentials, CallbackURL: "/cb/staff", Fields: []Field{
			{Name: "email", Label: "Email", Type: "email"}}},
	}
	_, d := renderPage(t, func(w http.ResponseWriter) error {
		return RenderSignIn(w, http.StatusOK, SignIn{Providers: ps, CSRFToken: "c",
			FieldErrors: map[string]string{"email": "From FieldErrors."},
			Flash: Flash{Provider: "credentials",
				Values: map[string]string{"email": "ada@example.com", "password": "hunter2-leaked"},
				Errors: map[string]string{"email": "From the flash.", "password": "Too short."}}})
	})
	if strings.Contains(d.raw, "hunter2") {
		t.Fatal("a password from the flash is on the page")
	}
	if v := attrOr(d.byID("input-email-for-credentials-provider"), "value"); v != "ada@example.com" {
		t.Errorf("email of the flash's provider %q", v)
	}
	if v := attrOr(d.byID("input-email-for-staff-provider"), "value"); v != "" {
		t.Errorf("another provider's form got the flash's email %q", v)
	}
	if e := text(d.byID("input-email-for-credentials-provider-error")); e != "From FieldErrors." {
		t.Errorf("email error %q: FieldErrors come first", e)
	}
	if e := text(d.byID("input-password-for-credentials-provider-error")); e != "Too short." {
		t.Errorf("password error %q", e)
	}
	if n := len(d.all(func(n *html.Node) bool { return n.DataAtom == atom.P && attrOr(n, "class") == "field-error" })); n != 3 {
		t.Errorf("%d field errors, want 3", n)
	}
}
