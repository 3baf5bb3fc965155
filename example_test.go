package authgo_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/providers"
)

// exampleSecret stands in for AUTH_SECRET (`authgo secret` makes one).
const exampleSecret = "example-secret-that-is-at-least-32-bytes-long"

// checkPassword stands in for the app's own user lookup. It must take the
// same time for an unknown email as for a wrong password (see
// password.DummyVerify).
func checkPassword(_ context.Context, email, pw string) (*authgo.User, error) {
	if email == "ada@example.com" && pw == "correct horse battery" {
		return &authgo.User{ID: "user-1", Name: "Ada", Email: email, Role: "admin"}, nil
	}
	return nil, nil // refused: CredentialsSignin
}

// A net/http app with email + password sign-in, the Auth.js endpoints under
// /api/auth and a page that needs a session.
func Example() {
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux) // the app, listening at srv.URL
	defer srv.Close()
	auth, err := authgo.New(authgo.Config{
		Secret: []string{exampleSecret}, // default: AUTH_SECRET
		URL:    srv.URL + "/api/auth",   // default: AUTH_URL
		Providers: []authgo.Provider{
			providers.Credentials(providers.CredentialsConfig{
				Authorize: func(ctx context.Context, c authgo.Credentials, r *http.Request) (*authgo.User, error) {
					return checkPassword(ctx, c["email"], c["password"])
				},
			}),
		},
	})
	if err != nil {
		panic(err)
	}
	mux.Handle("/api/auth/", auth.Handler()) // sign-in page: /api/auth/signin
	mux.Handle("/dashboard", auth.RequireAuth(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := auth.Session(w, r)
		fmt.Fprintf(w, "Hello %s, you are %s", s.User.Name, s.User.Role)
	})))

	// What a browser does: ask for a page, get sent to sign in, post the form.
	browser := newBrowser()
	resp, _ := browser.Get(srv.URL + "/dashboard")
	fmt.Println(resp.StatusCode, resp.Header.Get("Location"))
	var csrf struct{ CSRFToken string }
	getJSON(browser, srv.URL+"/api/auth/csrf", &csrf)
	resp, _ = browser.PostForm(srv.URL+"/api/auth/callback/credentials", url.Values{
		"email": {"ada@example.com"}, "password": {"correct horse battery"}, "csrfToken": {csrf.CSRFToken}, "callbackUrl": {"/dashboard"},
	})
	fmt.Println(resp.StatusCode, strings.TrimPrefix(resp.Header.Get("Location"), srv.URL))
	resp, _ = browser.Get(srv.URL + "/dashboard")
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(string(body))
	// Output:
	// 302 /api/auth/signin?callbackUrl=%2Fdashboard
	// 302 /dashboard
	// Hello Ada, you are admin
}

// Mistakes in the configuration fail at New with a sentence saying what to set.
func ExampleNew() {
	_, err := authgo.New(authgo.Config{Secret: []string{"too-short"}})
	fmt.Println(err)
	// Output:
	// authgo: secret 1 is 9 bytes; use at least 32 random bytes (run `authgo secret`), or set Config.AllowShortSecret to share an existing app's shorter secret
}

// The app's own login form handler signs the user in with Auth.SignIn and
// shows what went wrong — the "server action" of Auth.js.
func ExampleAuth_SignIn() {
	auth, _ := authgo.New(authgo.Config{Secret: []string{exampleSecret}, URL: "http://localhost/api/auth", Providers: []authgo.Provider{
		providers.Credentials(providers.CredentialsConfig{Authorize: func(ctx context.Context, c authgo.Credentials, r *http.Request) (*authgo.User, error) {
			return checkPassword(ctx, c["email"], c["password"])
		}}),
	}})
	login := func(w http.ResponseWriter, r *http.Request) {
		to, err := auth.SignIn(w, r, "credentials", authgo.SignInOptions{
			Credentials: map[string]string{"email": r.FormValue("email"), "password": r.FormValue("password")},
			RedirectTo:  "/dashboard",
		})
		var e *authgo.Error
		switch {
		case errors.As(err, &e) && e.Type == authgo.RateLimited:
			fmt.Fprintf(w, "Too many attempts; try again in %d seconds.", e.RetryAfter)
		case errors.Is(err, authgo.ErrCredentialsSignin):
			fmt.Fprint(w, "Wrong email or password.") // one message for both
		case err != nil:
			http.Error(w, "Sign-in is unavailable.", http.StatusInternalServerError)
		default:
			http.Redirect(w, r, to, http.StatusSeeOther)
		}
	}
	for _, pw := range []string{"not the password", "correct horse battery"} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "http://localhost/login", strings.NewReader(url.Values{"email": {"ada@example.com"}, "password": {pw}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		login(rec, req)
		fmt.Println(rec.Code, rec.Header().Get("Location"), rec.Body.String())
	}
	// Output:
	// 200  Wrong email or password.
	// 303 http://localhost/dashboard
}

// Middleware reads the session once per request and guards whole areas;
// handlers check roles again before they change anything.
func ExampleAuth_Middleware() {
	auth, _ := authgo.New(authgo.Config{Secret: []string{exampleSecret}, URL: "https://example.com/api/auth", Providers: []authgo.Provider{
		providers.Credentials(providers.CredentialsConfig{Authorize: func(ctx context.Context, c authgo.Credentials, r *http.Request) (*authgo.User, error) {
			return checkPassword(ctx, c["email"], c["password"])
		}}),
	}, Access: authgo.AccessConfig{SignInPage: "/login"}})
	mux := http.NewServeMux()
	mux.Handle("/admin/", auth.RequireRole("admin")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, _ := auth.SessionFrom(r.Context()) // RequireRole ran: never nil here
		fmt.Fprint(w, "admin area of ", s.User.Email)
	})))
	app := auth.Middleware(authgo.MiddlewareConfig{Protect: []string{"/admin", "/api/"}})(mux)

	for _, path := range []string{"/admin/users", "/api/posts"} {
		rec := httptest.NewRecorder()
		app.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if loc := rec.Header().Get("Location"); loc != "" {
			fmt.Println(path, rec.Code, loc)
		} else {
			fmt.Println(path, rec.Code, strings.TrimSpace(rec.Body.String()))
		}
	}
	// Output:
	// /admin/users 302 /login?callbackUrl=%2Fadmin%2Fusers
	// /api/posts 401 {"error":"Unauthorized"}
}

// A page every visitor may see behind Middleware: SessionFrom returns a nil
// session (with ok true) for a signed-out visitor, which the page must
// handle. ok is false only when no guard of this Auth ran for the request,
// as on a route outside Middleware; Session reads the session there.
func ExampleAuth_SessionFrom() {
	auth, _ := authgo.New(authgo.Config{Secret: []string{exampleSecret}, URL: "https://app.example.com", Providers: []authgo.Provider{
		providers.Credentials(providers.CredentialsConfig{Authorize: func(ctx context.Context, c authgo.Credentials, r *http.Request) (*authgo.User, error) {
			return checkPassword(ctx, c["email"], c["password"])
		}}),
	}})
	home := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, ok := auth.SessionFrom(r.Context())
		if !ok { // no guard ran: read the session here
			s, _ = auth.Session(w, r)
		}
		if s == nil {
			fmt.Fprint(w, "Hello, guest")
			return
		}
		fmt.Fprint(w, "Hello, ", s.User.Name)
	})
	mux := http.NewServeMux()
	mux.Handle("/home", auth.Middleware(authgo.MiddlewareConfig{Protect: []string{"/dashboard"}})(home))
	mux.Handle("/unguarded", home)

	rec := httptest.NewRecorder()
	_, _ = auth.SignIn(rec, httptest.NewRequest("POST", "/login", nil), "credentials", authgo.SignInOptions{
		Credentials: map[string]string{"email": "ada@example.com", "password": "correct horse battery"},
	})
	signedIn := rec.Result().Cookies()
	for _, cookies := range [][]*http.Cookie{nil, signedIn} {
		for _, path := range []string{"/home", "/unguarded"} {
			req := httptest.NewRequest("GET", path, nil)
			for _, c := range cookies {
				req.AddCookie(c)
			}
			rec := httptest.NewRecorder()
			mux.ServeHTTP(rec, req)
			fmt.Println(path, rec.Body.String())
		}
	}
	// Output:
	// /home Hello, guest
	// /unguarded Hello, guest
	// /home Hello, Ada
	// /unguarded Hello, Ada
}

// exampleAuth is the Auth of the examples below: the credentials provider
// of Example, served at url.
func exampleAuth(url string) *authgo.Auth {
	auth, err := authgo.New(authgo.Config{Secret: []string{exampleSecret}, URL: url, Providers: []authgo.Provider{
		providers.Credentials(providers.CredentialsConfig{Authorize: func(ctx context.Context, c authgo.Credentials, r *http.Request) (*authgo.User, error) {
			return checkPassword(ctx, c["email"], c["password"])
		}}),
	}})
	if err != nil {
		panic(err)
	}
	return auth
}

// signedIn returns the cookies of a browser in which Ada signed in.
func signedIn(auth *authgo.Auth) []*http.Cookie {
	rec := httptest.NewRecorder()
	if _, err := auth.SignIn(rec, httptest.NewRequest("POST", "/login", nil), "credentials", authgo.SignInOptions{
		Credentials: map[string]string{"email": "ada@example.com", "password": "correct horse battery"},
	}); err != nil {
		panic(err)
	}
	return rec.Result().Cookies()
}

// Session reads the session in any handler, as auth() does in Auth.js. It
// is nil for a visitor who is not signed in (no cookie, or an expired,
// forged or revoked one), which every page that does not sit behind a
// guard must handle; only a failing session store is an error.
func ExampleAuth_Session() {
	auth := exampleAuth("https://app.example.com/api/auth")
	home := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := auth.Session(w, r) // w: the refreshed cookie is written to it
		switch {
		case err != nil:
			http.Error(w, "Try again in a moment.", http.StatusServiceUnavailable)
		case s == nil:
			fmt.Fprint(w, "Hello, guest. Sign in at /api/auth/signin")
		default:
			fmt.Fprintf(w, "Hello, %s (%s)", s.User.Name, s.User.Email)
		}
	})

	for _, cookies := range [][]*http.Cookie{nil, signedIn(auth)} {
		req := httptest.NewRequest("GET", "https://app.example.com/", nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		rec := httptest.NewRecorder()
		home.ServeHTTP(rec, req)
		fmt.Println(rec.Body.String())
	}
	// Output:
	// Hello, guest. Sign in at /api/auth/signin
	// Hello, Ada (ada@example.com)
}

// The app's own sign-out button: a form that posts the CSRF token to a
// handler that calls SignOut. The session ends (a database session is
// deleted, a JWT one recorded as ended), its cookies are cleared, and the
// browser goes to redirectTo, which must be on the app's origin.
func ExampleAuth_SignOut() {
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	auth := exampleAuth(srv.URL + "/api/auth")
	mux.HandleFunc("GET /account", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<form method="post" action="/signout"><input type="hidden" name="csrfToken" value="%s"><button>Sign out</button></form>`,
			auth.CSRFToken(w, r))
	})
	mux.HandleFunc("POST /signout", func(w http.ResponseWriter, r *http.Request) {
		if !auth.VerifyCSRF(r, r.FormValue("csrfToken")) {
			http.Error(w, "Reload the page and try again.", http.StatusForbidden)
			return
		}
		to, err := auth.SignOut(w, r, "/goodbye")
		if err != nil {
			http.Error(w, "Sign-out failed.", http.StatusInternalServerError)
			return
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
	})

	// A browser in which Ada is signed in opens her account page and
	// presses the button.
	browser := newBrowser()
	u, _ := url.Parse(srv.URL)
	browser.Jar.SetCookies(u, signedIn(auth))
	signedInNow := func() bool {
		r := httptest.NewRequest("GET", srv.URL+"/", nil)
		for _, c := range browser.Jar.Cookies(u) {
			r.AddCookie(c)
		}
		s, _ := auth.Session(nil, r)
		return s != nil
	}
	fmt.Println("signed in:", signedInNow())
	resp, _ := browser.Get(srv.URL + "/account")
	page, _ := io.ReadAll(resp.Body)
	token := strings.Split(strings.Split(string(page), `value="`)[1], `"`)[0]
	resp, _ = browser.PostForm(srv.URL+"/signout", url.Values{"csrfToken": {token}})
	fmt.Println(resp.StatusCode, strings.TrimPrefix(resp.Header.Get("Location"), srv.URL))
	fmt.Println("signed in:", signedInNow())
	// Output:
	// signed in: true
	// 303 /goodbye
	// signed in: false
}
