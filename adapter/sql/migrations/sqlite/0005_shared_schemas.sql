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
  "createdAt" INTEGER,
  "lastSeenAt" INTEGER,
  "userAgent" TEXT,
  ip TEXT
);
CREATE INDEX IF NOT EXISTS {session_data_userId} ON {session_data} ("userId");
