-- authgo schema 5: on a schema other than authgo's own (an Auth.js app's
-- tables, Options.Schema), a user's role and a session's metadata live in
-- authgo's tables beside the host's, keyed by the host's user id (as text)
-- and session token; the host tables keep their columns.
-- authgo: only shared
CREATE TABLE IF NOT EXISTS {user_data} (
  "userId" TEXT NOT NULL PRIMARY KEY,
  role TEXT
);
CREATE TABLE IF NOT EXISTS {session_data} (
  "sessionToken" TEXT NOT NULL PRIMARY KEY,
  "userId" TEXT NOT NULL,
  "createdAt" TIMESTAMPTZ,
  "lastSeenAt" TIMESTAMPTZ,
  "userAgent" TEXT,
  ip TEXT
);
CREATE INDEX IF NOT EXISTS {session_data_userId} ON {session_data} ("userId");
-- @auth/pg-adapter's documented SQL has no unique keys besides the ids:
-- these make an email, a session token and a provider account unique, as
-- Auth.js assumes, and index the lookups that the Node app makes too.
-- authgo: only unconstrained
CREATE UNIQUE INDEX IF NOT EXISTS {users_email_unique} ON {users} (email);
CREATE UNIQUE INDEX IF NOT EXISTS {sessions_token_unique} ON {sessions} ("sessionToken");
CREATE UNIQUE INDEX IF NOT EXISTS {accounts_provider_unique} ON {accounts} (provider, "providerAccountId");
