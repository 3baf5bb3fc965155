package sqlite_test

import (
	"context"
	dbsql "database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/authgo/authgo/adapter"
	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/adapter/sql/sqlite"
)

// An app whose Drizzle schema names its columns in snake_case
// (userId: text("user_id"), …): Schema.Columns maps Auth.js's names to
// its, in every statement authgo runs on its tables.
func ExampleSchema_columns() {
	dir, _ := os.MkdirTemp("", "authgo-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "app.db")
	app, _ := dbsql.Open("sqlite", path) // the app's tables, as drizzle-kit made them
	snake := strings.NewReplacer("`userId`", "`user_id`", "`providerAccountId`", "`provider_account_id`",
		"`sessionToken`", "`session_token`", "`emailVerified`", "`email_verified`")
	for _, s := range drizzleTables[:5] {
		if _, err := app.Exec(snake.Replace(s)); err != nil {
			log.Fatal(err)
		}
	}
	schema := authsql.SchemaDrizzle
	schema.Name, schema.Authenticators = "app", false
	schema.Columns = map[string]string{"userId": "user_id", "providerAccountId": "provider_account_id",
		"sessionToken": "session_token", "emailVerified": "email_verified"}
	app.Close()

	ctx := context.Background()
	b, err := sqlite.Open(ctx, path, authsql.Options{Schema: schema})
	if err != nil {
		log.Fatal(err)
	}
	defer b.Close()
	u, _ := b.CreateUser(ctx, adapter.User{Email: "ada@example.com"})
	b.CreateSession(ctx, adapter.Session{SessionToken: "t1", UserID: u.ID, Expires: time.Now().Add(time.Hour)})
	var email string
	b.DB().QueryRow("SELECT u.email FROM session s JOIN user u ON u.id = s.user_id WHERE s.session_token = 't1'").Scan(&email)
	fmt.Println(email)
	// Output: ada@example.com
}
