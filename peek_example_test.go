package authgo_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/authgo/authgo"
)

// A forward-auth check that a reverse proxy calls on every request: it
// reads the session without writing a cookie or a database row, and
// answers 200 with the user in a header, or 401.
func ExampleAuth_PeekSession() {
	auth, err := authgo.New(authgo.Config{Secret: []string{exampleSecret}, URL: "https://example.com/api/auth"})
	if err != nil {
		panic(err)
	}
	verify := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := auth.PeekSession(r)
		switch {
		case err != nil:
			w.WriteHeader(http.StatusServiceUnavailable) // fail closed
		case s == nil:
			w.WriteHeader(http.StatusUnauthorized)
		default:
			w.Header().Set("Remote-User", s.User.ID)
		}
	})
	rec := httptest.NewRecorder()
	verify.ServeHTTP(rec, httptest.NewRequest("GET", "/api/auth/verify", nil))
	fmt.Println(rec.Code, len(rec.Result().Cookies()))
	// Output: 401 0
}
