-- authgo schema 1: @auth/pg-adapter's tables with text (UUID) ids, plus
-- authgo's columns and tables. {name} is replaced by the configured,
-- quoted table or index name.
CREATE TABLE IF NOT EXISTS {users} (
  id TEXT NOT NULL DEFAULT gen_random_uuid()::text PRIMARY KEY,
  name TEXT,
  email TEXT UNIQUE,
  "emailVerified" TIMESTAMPTZ,
  image TEXT,
  role TEXT
);
CREATE TABLE IF NOT EXISTS {accounts} (
  id TEXT NOT NULL DEFAULT gen_random_uuid()::text PRIMARY KEY,
  "userId" TEXT NOT NULL REFERENCES {users} (id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  provider TEXT NOT NULL,
  "providerAccountId" TEXT NOT NULL,
  refresh_token TEXT,
  access_token TEXT,
  expires_at BIGINT,
  id_token TEXT,
  scope TEXT,
  session_state TEXT,
  token_type TEXT,
  UNIQUE (provider, "providerAccountId")
);
CREATE INDEX IF NOT EXISTS {accounts_userId} ON {accounts} ("userId");
CREATE TABLE IF NOT EXISTS {sessions} (
  id TEXT NOT NULL DEFAULT gen_random_uuid()::text PRIMARY KEY,
  "sessionToken" TEXT NOT NULL UNIQUE,
  "userId" TEXT NOT NULL REFERENCES {users} (id) ON DELETE CASCADE,
  expires TIMESTAMPTZ NOT NULL,
  "createdAt" TIMESTAMPTZ DEFAULT now(),
  "lastSeenAt" TIMESTAMPTZ,
  "userAgent" TEXT,
  ip TEXT
);
CREATE INDEX IF NOT EXISTS {sessions_userId} ON {sessions} ("userId");
CREATE INDEX IF NOT EXISTS {sessions_expires} ON {sessions} (expires);
CREATE TABLE IF NOT EXISTS {verification_token} (
  identifier TEXT NOT NULL,
  expires TIMESTAMPTZ NOT NULL,
  token TEXT NOT NULL,
  PRIMARY KEY (identifier, token)
);
CREATE INDEX IF NOT EXISTS {verification_token_expires} ON {verification_token} (expires);
CREATE TABLE IF NOT EXISTS {authenticators} (
  "credentialID" TEXT NOT NULL UNIQUE,
  "userId" TEXT NOT NULL REFERENCES {users} (id) ON DELETE CASCADE,
  "providerAccountId" TEXT NOT NULL,
  "credentialPublicKey" TEXT NOT NULL,
  counter BIGINT NOT NULL,
  "credentialDeviceType" TEXT NOT NULL,
  "credentialBackedUp" BOOLEAN NOT NULL,
  transports TEXT,
  PRIMARY KEY ("userId", "credentialID")
);
CREATE TABLE IF NOT EXISTS {revocations} (
  "userId" TEXT NOT NULL PRIMARY KEY,
  "revokedBefore" TIMESTAMPTZ NOT NULL
);
