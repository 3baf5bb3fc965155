// Package sql is authgo's adapter for SQL databases: one implementation
// over database/sql with a Dialect for each of SQLite, PostgreSQL and MySQL 8
// / MariaDB 10.5+. It implements adapter.Adapter and every optional
// interface of package adapter.
//
// This package links no database driver. Each driver is a module of its
// own, so a program links only the one it uses:
//
//	go get github.com/authgo/authgo/adapter/sql/postgres  # pgx
//	go get github.com/authgo/authgo/adapter/sql/mysql     # go-sql-driver/mysql
//	go get github.com/authgo/authgo/adapter/sql/sqlite    # modernc.org/sqlite, pure Go
//
//	a, err := sqlite.Open(ctx, "auth.db", authsql.Options{})
//	a, err := postgres.Open(ctx, "postgres://app@db/app", authsql.Options{})
//	a, err := mysql.Open(ctx, "app@tcp(db:3306)/app", authsql.Options{})
//	a, err := authsql.New(ctx, existingDB, postgres.Driver{}, authsql.Options{TablePrefix: "auth_"})
//
// (authsql is this package, imported under another name so that it does not
// hide database/sql.) These Open functions were OpenSQLite, OpenPostgres and
// OpenMySQL of this package before the drivers moved out; they behave as
// those did. New takes a *sql.DB the program opened itself and the
// driver module's Driver, which says the dialect and how to read the
// driver's errors; Open takes the name of a registered database/sql driver
// instead, and OpenDB a *sql.DB that the adapter then owns.
//
// # Schema
//
// The tables and columns are those of @auth/pg-adapter, so a Next.js app
// using Auth.js and a Go service using authgo can share one database. Ids
// are text (UUIDs) rather than pg-adapter's SERIAL; on PostgreSQL the id
// columns default to gen_random_uuid(), so pg-adapter, which inserts rows
// without an id and reads the generated one back, works unchanged. authgo
// adds nullable columns that Auth.js ignores, and three tables of its own:
//
//	users              id, name, email (unique), "emailVerified", image, + role
//	accounts           id, "userId", type, provider, "providerAccountId",
//	                   refresh_token, access_token, expires_at, id_token,
//	                   scope, session_state, token_type;
//	                   unique (provider, "providerAccountId")
//	sessions           id, "sessionToken" (unique), "userId", expires,
//	                   + "createdAt", "lastSeenAt", "userAgent", ip
//	verification_token identifier, expires, token; key (identifier, token)
//	authenticators     "credentialID" (unique), "userId", "providerAccountId",
//	                   "credentialPublicKey", counter, "credentialDeviceType",
//	                   "credentialBackedUp", transports  (Auth.js's passkeys)
//	authgo_revocations "userId", "revokedBefore"  (JWT revocation epochs)
//	authgo_revoked_sessions "sessionId", expires  (signed-out JWT sessions,
//	                   deleted by DeleteExpired once their tokens expired)
//	authgo_passwords   "userId" (key, cascades), hash, "updatedAt"  (password
//	                   accounts' hashes: adapter.PasswordStore, migration 3)
//	authgo_second_factors "userId" (key), "totpSecret", "pendingSecret",
//	                   "lastStep", "backupCodes" (JSON), "trustedSince",
//	                   "spentBefore" (Unix µs), version  (the second factor:
//	                   adapter.SecondFactorStore, migration 4)
//	authgo_schema_versions  version, applied_at  (migrations applied)
//
// Column types by dialect:
//
//	            PostgreSQL    MySQL/MariaDB          SQLite
//	text        TEXT          VARCHAR(255) if keyed, TEXT
//	                          else TEXT
//	times       TIMESTAMPTZ   DATETIME(3), UTC       INTEGER Unix ms (as Prisma)
//	expires_at  BIGINT        BIGINT                 INTEGER (Unix seconds)
//	counter     BIGINT        BIGINT                 INTEGER
//	booleans    BOOLEAN       BOOLEAN (TINYINT(1))   INTEGER 0/1
//
// MySQL tables use a binary, no-pad collation (utf8mb4_nopad_bin on MariaDB,
// utf8mb4_0900_bin on MySQL) so that a session token, a credential id or an
// email matches only itself — not another case, not with a trailing space.
// Every column a foreign key refers to cascades on delete; DeleteUser also
// deletes the user's rows itself, so a schema without foreign keys (one
// created from pg-adapter's SQL) is cleaned up as well.
//
// Emails are compared exactly, as in @auth/pg-adapter and Prisma; Auth.js
// lower-cases the addresses it stores for the email provider.
//
// # Prisma
//
// Auth.js's Prisma reference schema names the models User, Account,
// Session, VerificationToken and Authenticator with the same field names as
// the columns above. To point a Prisma app at authgo's tables, map each
// model to its table and add authgo's columns:
//
//	model User {
//	  id            String    @id @default(uuid())
//	  name          String?
//	  email         String?   @unique
//	  emailVerified DateTime?
//	  image         String?
//	  role          String?
//	  accounts      Account[]
//	  sessions      Session[]
//	  @@map("users")
//	}
//	model Account {
//	  id                String  @id @default(uuid())
//	  userId            String
//	  type              String
//	  provider          String
//	  providerAccountId String
//	  refresh_token     String?
//	  access_token      String?
//	  expires_at        Int?
//	  token_type        String?
//	  scope             String?
//	  id_token          String?
//	  session_state     String?
//	  user User @relation(fields: [userId], references: [id], onDelete: Cascade)
//	  @@unique([provider, providerAccountId])
//	  @@map("accounts")
//	}
//	model Session {
//	  id           String    @id @default(uuid())
//	  sessionToken String    @unique
//	  userId       String
//	  expires      DateTime
//	  createdAt    DateTime? @default(now())
//	  lastSeenAt   DateTime?
//	  userAgent    String?
//	  ip           String?
//	  user User @relation(fields: [userId], references: [id], onDelete: Cascade)
//	  @@map("sessions")
//	}
//	model VerificationToken {
//	  identifier String
//	  token      String
//	  expires    DateTime
//	  @@id([identifier, token])
//	  @@map("verification_token")
//	}
//	model Authenticator {
//	  credentialID         String  @unique
//	  userId               String
//	  providerAccountId    String
//	  credentialPublicKey  String
//	  counter              Int
//	  credentialDeviceType String
//	  credentialBackedUp   Boolean
//	  transports           String?
//	  user User @relation(fields: [userId], references: [id], onDelete: Cascade)
//	  @@id([userId, credentialID])
//	  @@map("authenticators")
//	}
//
// Prisma's own reference schema differs in ways that matter when authgo
// reads tables Prisma created: Account has no id there (its key is
// (provider, providerAccountId)), Session's key is its id, and User,
// Account and Session carry createdAt/updatedAt columns that are NOT NULL
// without a database default, so authgo's inserts would fail on them. Use
// the schema above (authgo creates it), or give those columns defaults.
// Table names can also be set with Options.Tables (for example Users:
// "User" to read Prisma's default table names).
//
// # An Auth.js app's existing tables
//
// Options.Schema joins a database that a Next.js app's Auth.js adapter
// already uses, with the tables as its tool created them:
//
//	authsql.SchemaPgAdapter  @auth/pg-adapter's documented SQL: users, accounts,
//	                         sessions, verification_token; SERIAL ids (PostgreSQL)
//	authsql.SchemaPrisma     the Auth.js Prisma reference schema: User, Account,
//	                         Session, VerificationToken, Authenticator; text ids,
//	                         createdAt/updatedAt (PostgreSQL, MySQL)
//	authsql.SchemaDrizzle    @auth/drizzle-adapter's default tables as drizzle-kit
//	                         creates them: user, account, session,
//	                         verificationToken, authenticator (all three dialects)
//
// A Schema of your own maps renamed tables (Schema.Tables), renamed
// columns (Schema.Columns: a snake_case Drizzle schema's "user_id" for
// "userId", in every statement), integer ids (IntegerIDs) and Prisma-style
// "updatedAt" columns (UpdatedAt). authgo
// never alters the host's columns: roles live in authgo_user_data, session
// metadata in authgo_session_data, and every other authgo table is its own;
// foreign keys from authgo's tables to the host's are left out (DeleteUser
// deletes the rows itself, DeleteExpired sweeps session metadata whose
// session is gone). On @auth/pg-adapter's tables, which have no unique keys,
// the migrations add unique indexes on users.email, sessions."sessionToken"
// and accounts (provider, "providerAccountId"), and authgo locks the user
// row (FOR KEY SHARE) in the statement that links an account or creates a
// session or passkey, as a foreign key would. With integer ids a user id is
// its decimal string; CreateUser cannot take one. On MySQL a host table's
// collation (often case-insensitive) decides what its keys match; authgo
// then accepts only a row whose key is exactly the one asked for.
//
// When an adapter is made it checks the tables: a missing table, a missing
// column, a column of an unexpected type, an authgo schema newer than the
// code, or a database that holds a preset's tables while Options.Schema is
// authgo's own (a TablePrefix keeps authgo's own tables apart instead) is
// one sentence that says what to run or set, wrapping ErrSchemaMismatch or
// ErrSchemaTooNew — never an SQL error at request time.
//
// # Migrations
//
// The schema is created and upgraded by embedded, numbered migrations that
// only add (tables, indexes, nullable columns), applied when an adapter is
// made unless Options.SkipMigrations is set, and recorded in
// authgo_schema_versions. Several instances may start at once: see
// Adapter.Migrate for the locks. A database already migrated by a newer
// authgo is refused with an error wrapping ErrSchemaTooNew. A Migrator
// (NewMigrator, Adapter.Migrator) reports the state (Status: the preset it
// detects, versions applied and pending, what is missing), prints the SQL
// it would run (Plan, WritePlan) and applies it (Up); `authgo migrate
// status|plan|up` is the same from the command line.
//
// # Errors
//
// Every method returns *adapter.Error naming the method. A unique violation
// wraps adapter.ErrDuplicate (the driver's message, which in MySQL repeats
// the duplicate value, is dropped). A refused or broken connection, a
// server shutting down, a busy SQLite file or an ended context deadline
// wraps adapter.ErrUnavailable. database/sql replaces broken connections,
// so the adapter recovers by itself when the database returns.
package sql
