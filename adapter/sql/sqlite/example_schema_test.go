package sqlite_test

import (
	"context"
	dbsql "database/sql"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/authgo/authgo/adapter"
	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/adapter/sql/sqlite"
)

// drizzleTables is what drizzle-kit 0.31 creates for @auth/drizzle-adapter's
// default SQLite tables (drizzle-kit export), shortened to the columns.
var drizzleTables = []string{
	"CREATE TABLE `user` (`id` text PRIMARY KEY NOT NULL, `name` text, `email` text, `emailVerified` integer, `image` text)",
	"CREATE UNIQUE INDEX `user_email_unique` ON `user` (`email`)",
	"CREATE TABLE `account` (`userId` text NOT NULL, `type` text NOT NULL, `provider` text NOT NULL, `providerAccountId` text NOT NULL, `refresh_token` text, `access_token` text, `expires_at` integer, `token_type` text, `scope` text, `id_token` text, `session_state` text, PRIMARY KEY(`provider`, `providerAccountId`), FOREIGN KEY (`userId`) REFERENCES `user`(`id`) ON DELETE cascade)",
	"CREATE TABLE `session` (`sessionToken` text PRIMARY KEY NOT NULL, `userId` text NOT NULL, `expires` integer NOT NULL, FOREIGN KEY (`userId`) REFERENCES `user`(`id`) ON DELETE cascade)",
	"CREATE TABLE `verificationToken` (`identifier` text NOT NULL, `token` text NOT NULL, `expires` integer NOT NULL, PRIMARY KEY(`identifier`, `token`))",
	"CREATE TABLE `authenticator` (`credentialID` text NOT NULL, `userId` text NOT NULL, `providerAccountId` text NOT NULL, `credentialPublicKey` text NOT NULL, `counter` integer NOT NULL, `credentialDeviceType` text NOT NULL, `credentialBackedUp` integer NOT NULL, `transports` text, PRIMARY KEY(`userId`, `credentialID`), FOREIGN KEY (`userId`) REFERENCES `user`(`id`) ON DELETE cascade)",
}

// A Go service shares the SQLite file of a Next.js app whose
// @auth/drizzle-adapter tables drizzle-kit created. authgo uses them as
// they are; what Auth.js has no column for, such as the role, goes to
// tables of authgo's own.
func ExampleOpen_drizzleSchema() {
	dir, _ := os.MkdirTemp("", "authgo-example")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "app.db")
	app, _ := dbsql.Open("sqlite", path) // the Next.js app's side
	for _, s := range drizzleTables {
		if _, err := app.Exec(s); err != nil {
			log.Fatal(err)
		}
	}
	app.Close()

	ctx := context.Background()
	a, err := sqlite.Open(ctx, path, authsql.Options{Schema: authsql.SchemaDrizzle})
	if err != nil {
		log.Fatal(err)
	}
	defer a.Close()
	u, _ := a.CreateUser(ctx, adapter.User{Email: "ada@example.com", Role: "admin"})
	var email, role string
	a.DB().QueryRow("SELECT email FROM user WHERE id = ?", u.ID).Scan(&email)
	a.DB().QueryRow(`SELECT role FROM authgo_user_data WHERE "userId" = ?`, u.ID).Scan(&role)
	fmt.Println(email, role)

	// Without the preset, authgo says what to set instead of creating its
	// own tables beside the app's.
	_, err = sqlite.Open(ctx, path, authsql.Options{})
	fmt.Println(err)
	// Output:
	// ada@example.com admin
	// adapter/sql: the database's tables do not match the schema for the authgo schema: the table accounts is missing, the table authenticators is missing, the table sessions is missing, the table users is missing, 1 more; the tables follow the drizzle schema: set Options.Schema to sql.SchemaDrizzle
}

// `authgo migrate` in Go: the state of a database, then its migrations.
func ExampleOpenMigrator() {
	dir, _ := os.MkdirTemp("", "authgo-example")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	m, err := sqlite.OpenMigrator(ctx, filepath.Join(dir, "auth.db"), authsql.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer m.Close()
	st, _ := m.Status(ctx)
	fmt.Println(st.Current, len(st.Pending) == len(st.Known))
	if err := m.Up(ctx); err != nil {
		log.Fatal(err)
	}
	st, _ = m.Status(ctx)
	fmt.Println(st.Detected, len(st.Pending), st.Error == "")
	// Output:
	// 0 true
	// authgo 0 true
}
