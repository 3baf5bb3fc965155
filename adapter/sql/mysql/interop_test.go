package mysql_test

import (
	"encoding/json"
	"strconv"
	"testing"

	gomysql "github.com/go-sql-driver/mysql"

	authsql "github.com/authgo/authgo/adapter/sql"
	"github.com/authgo/authgo/adapter/sql/internal/sqltest"
	"github.com/authgo/authgo/internal/testenv"
)

// authCoreDrizzleMySQLESM runs @auth/core with @auth/drizzle-adapter over
// mysql2 on the test's database (see sqltest.Interop for what it reads,
// asks and writes). The "drizzle-snake" preset is an app's own Drizzle
// schema with snake_case columns (sqltest.SnakeColumns).
const authCoreDrizzleMySQLESM = `
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import { drizzle } from "drizzle-orm/mysql2";
import { mysqlTable, varchar, timestamp, int, primaryKey } from "drizzle-orm/mysql-core";
import mysql from "mysql2/promise";

` + sqltest.InteropInput + `const pool = mysql.createPool({ host: input.host, port: Number(input.port), user: input.user, password: input.password, database: input.database, timezone: "Z" });

const str = (name) => varchar(name, { length: 255 });
const snakeUsers = mysqlTable("user", { id: str("id").primaryKey().$defaultFn(() => crypto.randomUUID()), name: str("name"),
  email: str("email").unique(), emailVerified: timestamp("email_verified", { mode: "date", fsp: 3 }), image: str("avatar_url") });
const snake = {
  usersTable: snakeUsers,
  accountsTable: mysqlTable("account", { userId: str("user_id").notNull().references(() => snakeUsers.id, { onDelete: "cascade" }),
    type: str("type").notNull(), provider: str("provider").notNull(), providerAccountId: str("provider_account_id").notNull(),
    refresh_token: str("refresh_token"), access_token: str("access_token"), expires_at: int("expires_at"),
    token_type: str("token_type"), scope: str("scope"), id_token: str("id_token"), session_state: str("session_state") },
    (a) => [primaryKey({ columns: [a.provider, a.providerAccountId] })]),
  sessionsTable: mysqlTable("session", { sessionToken: str("session_token").primaryKey(),
    userId: str("user_id").notNull().references(() => snakeUsers.id, { onDelete: "cascade" }),
    expires: timestamp("expires", { mode: "date" }).notNull() }),
  verificationTokensTable: mysqlTable("verificationToken", { identifier: str("identifier").notNull(), token: str("token").notNull(),
    expires: timestamp("expires", { mode: "date" }).notNull() }, (v) => [primaryKey({ columns: [v.identifier, v.token] })]),
};
const db = drizzle(pool, { mode: "default" });
const adapter = input.preset === "drizzle-snake" ? DrizzleAdapter(db, snake) : DrizzleAdapter(db);
const close = () => pool.end();
` + sqltest.InteropScript

// TestAuthJSInterop: a Next.js app's @auth/core 0.41.3 with
// @auth/drizzle-adapter 1.11.3 over mysql2 (on drizzle-kit's MySQL tables,
// and on an app's own Drizzle schema with snake_case columns, which authgo
// maps with Schema.Columns) and authgo on the same MySQL/MariaDB tables
// read each other's database sessions and accounts (sqltest.Interop).
func TestAuthJSInterop(t *testing.T) {
	for _, p := range sqltest.Presets(authsql.MySQL) {
		if p.Name == "Prisma" {
			continue // Prisma's client needs its query engine, which cannot be downloaded here
		}
		t.Run(p.Name, func(t *testing.T) {
			testenv.NodeDir(t)
			cfg, err := gomysql.ParseDSN(testenv.MySQL(t))
			if err != nil {
				t.Fatal(err)
			}
			host, port := cfg.Addr, "3306"
			for i := len(cfg.Addr) - 1; i >= 0; i-- {
				if cfg.Addr[i] == ':' {
					host, port = cfg.Addr[:i], cfg.Addr[i+1:]
					break
				}
			}
			if _, err := strconv.Atoi(port); err != nil {
				t.Fatalf("the MySQL address %q has no port", cfg.Addr)
			}
			var name string
			newDBAt := func(tb testing.TB) sqltest.Database {
				d := newDB(tb)
				name = d.Name
				return d
			}
			a := sqltest.OpenPreset(t, newDBAt, p)
			sqltest.Interop(t, a, func(goToken string) []byte {
				in, _ := json.Marshal(map[string]string{"host": host, "port": port, "user": cfg.User, "password": cfg.Passwd,
					"database": name, "preset": p.Schema.Name, "secret": sqltest.InteropSecret,
					"goToken": goToken, "provider": "github", "providerAccountId": "go-7"})
				return testenv.RunNode(t, authCoreDrizzleMySQLESM, in)
			})
		})
	}
}
