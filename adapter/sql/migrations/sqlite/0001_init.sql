-- authgo schema 1 for SQLite: the tables of the PostgreSQL schema. Times are
-- INTEGER Unix milliseconds, as Prisma's SQLite connector writes DateTime;
-- booleans are 0 and 1. Text compares byte for byte.
CREATE TABLE IF NOT EXISTS {users} (
  id TEXT NOT NULL PRIMARY KEY,
  name TEXT,
  email TEXT UNIQUE,
  "emailVerified" INTEGER,
  image TEXT,
  role TEXT
);
CREATE TABLE IF NOT EXISTS {accounts} (
  id TEXT NOT NULL PRIMARY KEY,
  "userId" TEXT NOT NULL REFERENCES {users} (id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  provider TEXT NOT NULL,
  "providerAccountId" TEXT NOT NULL,
  refresh_token TEXT,
  access_token TEXT,
  expires_at INTEGER,
  id_token TEXT,
  scope TEXT,
  session_state TEXT,
  token_type TEXT,
  UNIQUE (provider, "providerAccountId")
);
CREATE INDEX IF NOT EXISTS {accounts_userId} ON {accounts} ("userId");
CREATE TABLE IF NOT EXISTS {sessions} (
  id TEXT NOT NULL PRIMARY KEY,
  "sessionToken" TEXT NOT NULL UNIQUE,
  "userId" TEXT NOT NULL REFERENCES {users} (id) ON DELETE CASCADE,
  expires INTEGER NOT NULL,
  "createdAt" INTEGER,
  "lastSeenAt" INTEGER,
  "userAgent" TEXT,
  ip TEXT
);
CREATE INDEX IF NOT EXISTS {sessions_userId} ON {sessions} ("userId");
CREATE INDEX IF NOT EXISTS {sessions_expires} ON {sessions} (expires);
CREATE TABLE IF NOT EXISTS {verification_token} (
  identifier TEXT NOT NULL,
  expires INTEGER NOT NULL,
  token TEXT NOT NULL,
  PRIMARY KEY (identifier, token)
);
CREATE INDEX IF NOT EXISTS {verification_token_expires} ON {verification_token} (expires);
CREATE TABLE IF NOT EXISTS {authenticators} (
  "credentialID" TEXT NOT NULL UNIQUE,
  "userId" TEXT NOT NULL REFERENCES {users} (id) ON DELETE CASCADE,
  "providerAccountId" TEXT NOT NULL,
  "credentialPublicKey" TEXT NOT NULL,
  counter INTEGER NOT NULL,
  "credentialDeviceType" TEXT NOT NULL,
  "credentialBackedUp" INTEGER NOT NULL,
  transports TEXT,
  PRIMARY KEY ("userId", "credentialID")
);
CREATE TABLE IF NOT EXISTS {revocations} (
  "userId" TEXT NOT NULL PRIMARY KEY,
  "revokedBefore" INTEGER NOT NULL
);
