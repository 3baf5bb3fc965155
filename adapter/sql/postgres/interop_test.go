package postgres_test

import (
	"encoding/json"
	"testing"

	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/adapter/sql/internal/sqltest"
	"github.com/authgo/authgo/internal/testenv"
)

// authCoreAdapterESM runs @auth/core with @auth/pg-adapter or
// @auth/drizzle-adapter on the test's schema. It reads, through the
// adapter, the account and the session authgo wrote, asks @auth/core's own
// GET /session for authgo's session cookie, then writes a user, an
// account and a session of its own, as a sign-in would, and prints what
// it saw and made.
const authCoreAdapterESM = `
import PostgresAdapter from "@auth/pg-adapter";
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import { drizzle } from "drizzle-orm/node-postgres";
import { pgTable, text, timestamp, integer, primaryKey } from "drizzle-orm/pg-core";
import pg from "pg";

// An app's own Drizzle schema with snake_case columns (sqltest.SnakeColumns).
const snakeUsers = pgTable("user", { id: text("id").primaryKey().$defaultFn(() => crypto.randomUUID()), name: text("name"),
  email: text("email").unique(), emailVerified: timestamp("email_verified", { mode: "date" }), image: text("avatar_url") });
const snake = {
  usersTable: snakeUsers,
  accountsTable: pgTable("account", { userId: text("user_id").notNull().references(() => snakeUsers.id, { onDelete: "cascade" }),
    type: text("type").notNull(), provider: text("provider").notNull(), providerAccountId: text("provider_account_id").notNull(),
    refresh_token: text("refresh_token"), access_token: text("access_token"), expires_at: integer("expires_at"),
    token_type: text("token_type"), scope: text("scope"), id_token: text("id_token"), session_state: text("session_state") },
    (a) => [primaryKey({ columns: [a.provider, a.providerAccountId] })]),
  sessionsTable: pgTable("session", { sessionToken: text("session_token").primaryKey(),
    userId: text("user_id").notNull().references(() => snakeUsers.id, { onDelete: "cascade" }),
    expires: timestamp("expires", { mode: "date" }).notNull() }),
  verificationTokensTable: pgTable("verificationToken", { identifier: text("identifier").notNull(), token: text("token").notNull(),
    expires: timestamp("expires", { mode: "date" }).notNull() }, (v) => [primaryKey({ columns: [v.identifier, v.token] })]),
};

` + sqltest.InteropInput + `const pool = new pg.Pool({ connectionString: input.url, options: "-c search_path=" + input.schema });
const adapter = input.preset === "pg-adapter" ? PostgresAdapter(pool)
  : input.preset === "drizzle-snake" ? DrizzleAdapter(drizzle(pool), snake) : DrizzleAdapter(drizzle(pool));
const close = () => pool.end();
` + sqltest.InteropScript

// TestAuthJSInterop: a Next.js app's @auth/core with its adapter
// (@auth/pg-adapter 1.11.3 on its documented SQL, @auth/drizzle-adapter
// 1.11.3 on drizzle-kit's tables, and on an app's own Drizzle schema with
// snake_case columns, which authgo maps with Schema.Columns) and authgo on
// the same PostgreSQL tables
// read each other's database sessions and accounts: @auth/core's GET
// /session answers authgo's session cookie with authgo's user, and
// authgo's GET /session answers the Node app's session cookie with the
// Node app's user, role kept in authgo's own table.
func TestAuthJSInterop(t *testing.T) {
	for _, p := range sqltest.Presets(authsql.Postgres) {
		if p.Name == "Prisma" {
			continue // Prisma's client needs its query engine, which cannot be downloaded here
		}
		t.Run(p.Name, func(t *testing.T) {
			testenv.NodeDir(t)
			base := testenv.Postgres(t)
			var schema string
			newDBAt := func(tb testing.TB) sqltest.Database {
				d := newDB(tb)
				schema = d.Name
				return d
			}
			a := sqltest.OpenPreset(t, newDBAt, p)
			sqltest.Interop(t, a, func(goToken string) []byte {
				in, _ := json.Marshal(map[string]string{"url": base, "schema": schema, "preset": p.Schema.Name, "secret": sqltest.InteropSecret,
					"goToken": goToken, "provider": "github", "providerAccountId": "go-7"})
				return testenv.RunNode(t, authCoreAdapterESM, in)
			})
		})
	}
}
