package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/providers"
)

// ginGuard runs an authgo guard (auth.RequireAuth, auth.RequireRole(role))
// as gin middleware. A request the guard lets through goes on with the
// request the guard passed, whose context holds the session
// (auth.SessionFrom); one the guard answers itself (a redirect to sign in,
// 401, 403) stops the chain.
func ginGuard(guard func(http.Handler) http.Handler) gin.HandlerFunc {
	return func(c *gin.Context) {
		passed := false
		guard(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			passed = true
			c.Request = r
		})).ServeHTTP(c.Writer, c.Request)
		if !passed {
			c.Abort()
		}
	}
}

// The gin recipe: gin.WrapH mounts the auth endpoints, ginGuard turns
// auth.RequireRole into gin middleware for a route group, and handlers
// read the session with auth.SessionFrom(c.Request.Context()).
// auth.Middleware wraps the whole engine: it reads the session once per
// request (so SessionFrom finds it on every route, guarded or not),
// writes the re-issued cookie when the token is due (Session.JWTUpdateAge),
// adds Vary: Cookie, and keeps a response that sets a cookie private
// (Cache-Control: private, no-store) even when a handler sets a
// Cache-Control of its own. Those last two need the
// writer the guard hands on, which gin handlers only write to when the
// guard wraps the engine; ginGuard alone passes on just the request.
//
// chi and echo need no recipe: chi takes auth.Middleware(cfg),
// auth.RequireRole(role) and auth.Handler() as they are (r.Use,
// r.With, r.Mount), and echo wraps them with echo.WrapMiddleware and
// echo.WrapHandler.
func Example_gin() {
	users := map[string]authgo.User{
		"ada@example.com":   {ID: "1", Name: "Ada", Email: "ada@example.com", Role: "admin"},
		"grace@example.com": {ID: "2", Name: "Grace", Email: "grace@example.com", Role: "viewer"},
	}
	srv := httptest.NewServer(nil) // the app, listening at srv.URL
	defer srv.Close()
	auth, err := authgo.New(authgo.Config{
		Secret: []string{secret}, // default: AUTH_SECRET
		URL:    srv.URL + "/api/auth",
		Providers: []authgo.Provider{providers.Credentials(providers.CredentialsConfig{
			Authorize: func(_ context.Context, c authgo.Credentials, _ *http.Request) (*authgo.User, error) {
				u, ok := users[c["email"]]
				if !ok || c["password"] != "correct horse battery" { // stands in for password.Verify
					return nil, nil
				}
				return &u, nil
			},
		})},
	})
	if err != nil {
		panic(err)
	}

	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Any("/api/auth/*path", gin.WrapH(auth.Handler()))
	r.GET("/", func(c *gin.Context) {
		if s, _ := auth.SessionFrom(c.Request.Context()); s != nil {
			c.String(http.StatusOK, "Hello, %s", s.User.Name)
			return
		}
		c.String(http.StatusOK, "Hello, guest")
	})
	admin := r.Group("/admin", ginGuard(auth.RequireRole("admin")))
	admin.GET("/users", func(c *gin.Context) {
		s, _ := auth.SessionFrom(c.Request.Context()) // never nil behind the guard
		c.String(http.StatusOK, "users, for %s", s.User.Email)
	})
	srv.Config.Handler = auth.Middleware(authgo.MiddlewareConfig{Protect: []string{"/admin"}})(r)

	// Browsers: a guest, then Grace (a viewer), then Ada (an admin).
	for _, email := range []string{"", "grace@example.com", "ada@example.com"} {
		browser := ginBrowser(srv.URL, email)
		for _, path := range []string{"/", "/admin/users"} {
			resp, _ := browser.Get(srv.URL + path)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			answer := strings.TrimSpace(string(body))
			if loc := resp.Header.Get("Location"); loc != "" {
				answer = "→ " + strings.TrimPrefix(loc, srv.URL)
			}
			if v := resp.Header.Get("Vary"); v != "" {
				answer += " (Vary: " + v + ")"
			}
			fmt.Println(path, resp.StatusCode, answer)
		}
	}
	// Output:
	// / 200 Hello, guest (Vary: Cookie)
	// /admin/users 302 → /api/auth/signin?callbackUrl=%2Fadmin%2Fusers (Vary: Cookie)
	// / 200 Hello, Grace (Vary: Cookie)
	// /admin/users 403 You do not have access to this page. (Vary: Cookie)
	// / 200 Hello, Ada (Vary: Cookie)
	// /admin/users 200 users, for ada@example.com (Vary: Cookie)
}

// ginBrowser returns a client that does not follow redirects and in which
// email (unless "") signed in through the built-in form.
func ginBrowser(base, email string) *http.Client {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if email == "" {
		return c
	}
	resp, err := c.Get(base + "/api/auth/csrf")
	if err != nil {
		panic(err)
	}
	var csrf struct{ CSRFToken string }
	_ = json.NewDecoder(resp.Body).Decode(&csrf)
	resp.Body.Close()
	resp, err = c.PostForm(base+"/api/auth/callback/credentials", url.Values{"email": {email}, "password": {"correct horse battery"}, "csrfToken": {csrf.CSRFToken}})
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	return c
}
