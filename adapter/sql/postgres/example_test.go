package postgres_test

import (
	"context"
	"log"
	"os"

	"github.com/authgo/authgo"
	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/adapter/sql/postgres"
)

// An application keeps users and database sessions in PostgreSQL; the
// schema is created, or brought up to date, when the adapter opens.
func ExampleOpen() {
	ctx := context.Background()
	db, err := postgres.Open(ctx, os.Getenv("DATABASE_URL"), authsql.Options{})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	auth, err := authgo.New(authgo.Config{Adapter: db, Session: authgo.SessionConfig{Strategy: authgo.StrategyDatabase}})
	if err != nil {
		log.Fatal(err)
	}
	_ = auth.Handler() // mount on /api/auth/
}
