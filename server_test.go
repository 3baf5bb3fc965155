package authgo_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/authgo/authgo"
	"github.com/authgo/authgo/adapter"
	"github.com/authgo/authgo/adapter/memory"
)

// The Auth methods an app calls fail with *Error, whose Type says what
// went wrong, as every other method of Auth does.
func TestUpdateUserFailsWithTypedErrors(t *testing.T) {
	ctx := context.Background()
	secret := strings.Repeat("s", 32)
	withoutAdapter := mustNew(t, authgo.Config{Secret: []string{secret}, Providers: []authgo.Provider{credentialsFunc(nil)}, LookupEnv: noEnv})
	store := memory.New()
	for _, u := range []authgo.User{{ID: "u1", Email: "ada@example.com"}, {ID: "u2", Email: "grace@example.com"}} {
		if _, err := store.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	withAdapter := mustNew(t, authgo.Config{Secret: []string{secret}, Providers: []authgo.Provider{credentialsFunc(nil)}, Adapter: store, LookupEnv: noEnv})

	cases := []struct {
		name  string
		auth  *authgo.Auth
		user  authgo.User
		want  authgo.ErrorType
		cause error
	}{
		{"no adapter", withoutAdapter, authgo.User{ID: "u1"}, authgo.MissingAdapter, nil},
		{"no user id", withAdapter, authgo.User{Name: "Ada"}, authgo.Configuration, nil},
		{"the adapter fails", withAdapter, authgo.User{ID: "u1", Email: "grace@example.com"}, authgo.AdapterError, adapter.ErrDuplicate},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.auth.UpdateUser(ctx, c.user)
			var e *authgo.Error
			if !errors.As(err, &e) || e.Type != c.want {
				t.Fatalf("err = %#v, want an *authgo.Error of type %s", err, c.want)
			}
			if !errors.Is(err, &authgo.Error{Type: c.want}) {
				t.Fatalf("errors.Is(%v, Error{Type: %s}) = false", err, c.want)
			}
			if c.cause != nil && !errors.Is(err, c.cause) {
				t.Fatalf("err = %v, want it to wrap %v", err, c.cause)
			}
		})
	}
}
