package passkey_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/adapter/memory"
	"github.com/authgo/authgo/e2e/internal/sqlstores"
	"github.com/authgo/authgo/internal/testenv"
	"github.com/authgo/authgo/passkey"
)

// app is an authgo server with a passkey provider, at
// http://localhost:<port>: a WebAuthn relying party id is a host name.
type app struct {
	auth   *authgo.Auth
	db     adapter.Adapter
	origin string
}

// newApp serves the app on db (memory.New() when nil); extra, if set,
// serves /client/; edit, if set, changes the configuration.
func newApp(t *testing.T, extra http.Handler, db adapter.Adapter, edit ...func(*authgo.Config)) *app {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if db == nil {
		db = memory.New()
	}
	a := &app{db: db}
	a.origin = fmt.Sprintf("http://localhost:%d", ln.Addr().(*net.TCPAddr).Port)
	cfg := authgo.Config{
		Secret:    []string{"e2e-passkey-secret-0123456789abcdefgh"},
		URL:       a.origin + "/api/auth",
		Adapter:   a.db,
		Providers: []authgo.Provider{passkey.Provider(passkey.Config{})},
		LookupEnv: func(string) (string, bool) { return "", false },
	}
	for _, e := range edit {
		e(&cfg)
	}
	a.auth, err = authgo.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/auth/", a.auth.Handler())
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		s, _ := a.auth.Session(w, r)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if s == nil {
			fmt.Fprint(w, `<p id="who">signed out</p>`)
			return
		}
		fmt.Fprintf(w, `<p id="who">%s</p>`, s.User.Email)
	})
	if extra != nil {
		mux.Handle("/client/", extra)
	}
	srv := httptest.NewUnstartedServer(mux)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return a
}

// browserTab starts Chromium with a tab that has a virtual platform
// authenticator (addAuthenticator).
func browserTab(t *testing.T) (context.Context, webauthn.AuthenticatorID) {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(testenv.Chromium(t)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	ctx, cancel := context.WithTimeout(bctx, 2*time.Minute)
	t.Cleanup(cancel)
	return ctx, addAuthenticator(t, ctx)
}

// addAuthenticator adds a virtual platform authenticator to the tab:
// resident keys, user verification that succeeds, presence simulated,
// credentials backup eligible and backed up (a synced passkey).
func addAuthenticator(t *testing.T, ctx context.Context) webauthn.AuthenticatorID {
	t.Helper()
	var id webauthn.AuthenticatorID
	off := false
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, webauthn.Enable, webauthn.EnableParams{EnableUI: &off}); err != nil {
			return err
		}
		res, err := cdp.Call(ctx, tg, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &webauthn.VirtualAuthenticatorOptions{
			Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21,
			Transport: webauthn.AuthenticatorTransportInternal, HasResidentKey: true, HasUserVerification: true,
			IsUserVerified: true, AutomaticPresenceSimulation: true, DefaultBackupEligibility: true, DefaultBackupState: true,
		}})
		id = res.AuthenticatorID
		return err
	}))
	if err != nil {
		t.Fatalf("virtual authenticator: %v", err)
	}
	return id
}

// who returns what the app's home page says of the session.
func who(t *testing.T, ctx context.Context, a *app) string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(a.origin+"/")); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("#who")))
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// clickLater clicks the element sel from a timer of the page, so that the
// navigation the click causes does not end the action.
func clickLater(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Evaluate[any](fmt.Sprintf(`setTimeout(() => document.querySelector(%q).click(), 0)`, sel))(ctx, tg)
		return err
	})
}

// waitForHome waits until the browser is on the app's home page.
func waitForHome(ctx context.Context, a *app) error {
	// A navigation under way fails an evaluation: ask again until the
	// page is home or the time is up.
	deadline := time.Now().Add(30 * time.Second)
	last := ""
	for time.Now().Before(deadline) {
		href, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
		if err == nil && href == a.origin+"/" {
			return nil
		}
		if err == nil {
			last = href
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("the browser did not reach %s/ (last at %s)", a.origin, last)
}

func signOut(t *testing.T, ctx context.Context, a *app) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Navigate(a.origin+"/api/auth/signout"), chromedp.Click(chromedp.CSS(`form button`)), chromedp.Sleep(300*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if got := who(t, ctx, a); got != "signed out" {
		t.Fatalf("after sign-out the app says %q", got)
	}
}

// The built-in sign-in page with a virtual authenticator: sign up with a
// passkey, sign out, sign in with the button, sign out, sign in through
// the email input's passkey autofill (conditional UI).
//
// It runs on the memory adapter and on each SQL dialect.
func TestBuiltInPagePasskeys(t *testing.T) {
	stores := append([]sqlstores.Store{{Name: "memory", Open: func(*testing.T) adapter.Adapter { return memory.New() }}}, sqlstores.All...)
	for _, st := range stores {
		t.Run(st.Name, func(t *testing.T) { builtInPagePasskeys(t, st.Open(t)) })
	}
}

func builtInPagePasskeys(t *testing.T, db adapter.Adapter) {
	a := newApp(t, nil, db)
	ctx, authID := browserTab(t)
	signin := a.origin + "/api/auth/signin?callbackUrl=" + a.origin + "/"

	// Sign up: the email, then "Create an account with a passkey".
	err := chromedp.Do(ctx,
		chromedp.Navigate(signin),
		chromedp.WaitVisible(chromedp.CSS(`form.provider-passkey input[name=email]`)),
		chromedp.SendKeys(chromedp.CSS(`form.provider-passkey input[name=email]`), "grace@example.com"),
		clickLater(`form.provider-passkey button[value=register]`),
	)
	if err == nil {
		err = waitForHome(ctx, a)
	}
	if err != nil {
		t.Fatalf("sign up with a passkey: %v", err)
	}
	if got := who(t, ctx, a); got != "grace@example.com" {
		t.Fatalf("after sign-up the app says %q", got)
	}
	var creds []*webauthn.Credential
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: authID})
		creds = res.Credentials
		return err
	})); err != nil || len(creds) != 1 || !creds[0].IsResidentCredential || creds[0].RpID != "localhost" {
		t.Fatalf("the authenticator holds %+v (%v), want one resident credential for localhost", creds, err)
	}
	u, _ := a.db.GetUserByEmail(context.Background(), "grace@example.com")
	rows, _ := a.db.ListAuthenticatorsByUserID(context.Background(), u.ID)
	if len(rows) != 1 || rows[0].CredentialDeviceType != "multiDevice" || !rows[0].CredentialBackedUp {
		t.Fatalf("stored authenticators: %+v", rows)
	}

	// Sign in with the button, in a browser without passkey autofill (the
	// virtual authenticator answers an autofill request at once, which
	// would sign in before the click).
	signOut(t, ctx, a)
	var noAutofill page.ScriptIdentifier
	err = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: `PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);`})
		noAutofill = res.Identifier
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(signin),
		chromedp.WaitVisible(chromedp.CSS(`form.provider-passkey button[value=authenticate]`)),
		clickLater(`form.provider-passkey button[value=authenticate]`),
	)
	if err == nil {
		err = waitForHome(ctx, a)
	}
	if err != nil {
		t.Fatalf("sign in with the passkey button: %v", err)
	}
	if got := who(t, ctx, a); got != "grace@example.com" {
		t.Fatalf("after the passkey sign-in the app says %q", got)
	}

	// Sign in through autofill: the page's conditional request is
	// answered by the authenticator (in a person's browser, when they pick
	// the passkey in the email input's autofill).
	signOut(t, ctx, a)
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.RemoveScriptToEvaluateOnNewDocument, page.RemoveScriptToEvaluateOnNewDocumentParams{Identifier: noAutofill})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(a.origin+"/")); err != nil {
		t.Fatal(err)
	}
	conditional, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`PublicKeyCredential.isConditionalMediationAvailable()`, chromedp.EvalAwaitPromise))
	if err != nil || !conditional {
		t.Fatalf("conditional mediation available = %v (%v)", conditional, err)
	}
	// Nothing is clicked: the autofill request signs in.
	err = chromedp.Do(ctx, chromedp.Navigate(signin))
	if err == nil {
		err = waitForHome(ctx, a)
	}
	if err != nil {
		t.Fatalf("sign in through passkey autofill: %v", err)
	}
	if got := who(t, ctx, a); got != "grace@example.com" {
		t.Fatalf("after the autofill sign-in the app says %q", got)
	}
	row, _ := a.db.GetAuthenticator(context.Background(), rows[0].CredentialID)
	if row.Counter < rows[0].Counter || row.LastUsedAt.IsZero() {
		t.Errorf("after two sign-ins: %+v", row)
	}
}
