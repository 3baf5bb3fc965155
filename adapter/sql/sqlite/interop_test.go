package sqlite_test

import (
	"encoding/json"
	"testing"

	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/adapter/sql/internal/sqltest"
	"github.com/authgo/authgo/internal/testenv"
)

// authCoreDrizzleSQLiteESM runs @auth/core with @auth/drizzle-adapter over
// better-sqlite3 on the test's database file (see sqltest.Interop for what
// it reads, asks and writes). The "drizzle-snake" preset is an app's own
// Drizzle schema with snake_case columns (sqltest.SnakeColumns).
const authCoreDrizzleSQLiteESM = `
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { sqliteTable, text, integer, primaryKey } from "drizzle-orm/sqlite-core";
import Database from "better-sqlite3";

` + sqltest.InteropInput + `const sqlite = new Database(input.path);
sqlite.pragma("busy_timeout = 5000");

const ms = (name) => integer(name, { mode: "timestamp_ms" });
const snakeUsers = sqliteTable("user", { id: text("id").primaryKey().$defaultFn(() => crypto.randomUUID()), name: text("name"),
  email: text("email").unique(), emailVerified: ms("email_verified"), image: text("avatar_url") });
const snake = {
  usersTable: snakeUsers,
  accountsTable: sqliteTable("account", { userId: text("user_id").notNull().references(() => snakeUsers.id, { onDelete: "cascade" }),
    type: text("type").notNull(), provider: text("provider").notNull(), providerAccountId: text("provider_account_id").notNull(),
    refresh_token: text("refresh_token"), access_token: text("access_token"), expires_at: integer("expires_at"),
    token_type: text("token_type"), scope: text("scope"), id_token: text("id_token"), session_state: text("session_state") },
    (a) => [primaryKey({ columns: [a.provider, a.providerAccountId] })]),
  sessionsTable: sqliteTable("session", { sessionToken: text("session_token").primaryKey(),
    userId: text("user_id").notNull().references(() => snakeUsers.id, { onDelete: "cascade" }),
    expires: ms("expires").notNull() }),
  verificationTokensTable: sqliteTable("verificationToken", { identifier: text("identifier").notNull(), token: text("token").notNull(),
    expires: ms("expires").notNull() }, (v) => [primaryKey({ columns: [v.identifier, v.token] })]),
};
const db = drizzle(sqlite);
const adapter = input.preset === "drizzle-snake" ? DrizzleAdapter(db, snake) : DrizzleAdapter(db);
const close = () => sqlite.close();
` + sqltest.InteropScript

// TestAuthJSInterop: a Next.js app's @auth/core 0.41.3 with
// @auth/drizzle-adapter 1.11.3 over better-sqlite3 12 (on drizzle-kit's
// SQLite tables, and on an app's own Drizzle schema with snake_case
// columns, which authgo maps with Schema.Columns) and authgo on the same
// SQLite file read each other's database sessions and accounts
// (sqltest.Interop).
func TestAuthJSInterop(t *testing.T) {
	for _, p := range sqltest.Presets(authsql.SQLite) {
		t.Run(p.Name, func(t *testing.T) {
			testenv.NodeDir(t)
			var path string
			newDBAt := func(tb testing.TB) sqltest.Database {
				d := newDB(tb)
				path = d.Name
				return d
			}
			a := sqltest.OpenPreset(t, newDBAt, p)
			sqltest.Interop(t, a, func(goToken string) []byte {
				in, _ := json.Marshal(map[string]string{"path": path, "preset": p.Schema.Name, "secret": sqltest.InteropSecret,
					"goToken": goToken, "provider": "github", "providerAccountId": "go-7"})
				return testenv.RunNode(t, authCoreDrizzleSQLiteESM, in)
			})
		})
	}
}
