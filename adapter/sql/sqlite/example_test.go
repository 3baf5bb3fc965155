package sqlite_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/authgo/authgo/adapter"
	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/adapter/sql/sqlite"
)

// An application keeps users and sessions in a SQLite file; the schema is
// created on first open.
func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "authgo-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	a, err := sqlite.Open(ctx, filepath.Join(dir, "auth.db"), authsql.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()

	u, _ := a.CreateUser(ctx, adapter.User{Name: "Ada", Email: "ada@example.com"})
	a.CreateSession(ctx, adapter.Session{SessionToken: "random-token", UserID: u.ID, Expires: time.Now().Add(30 * 24 * time.Hour)})

	s, user, err := a.GetSessionAndUser(ctx, "random-token")
	fmt.Println(user.Email, s.Expires.After(time.Now()), err)
	_, none, _ := a.GetSessionAndUser(ctx, "forged")
	fmt.Println(none == nil)
	// Output:
	// ada@example.com true <nil>
	// true
}
