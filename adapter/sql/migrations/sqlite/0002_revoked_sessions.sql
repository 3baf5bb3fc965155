-- authgo schema 2: the JWT sessions that were signed out, one row each,
-- kept until every token of the session has expired (DeleteExpired then
-- deletes the row).
CREATE TABLE IF NOT EXISTS {revoked_sessions} (
  "sessionId" TEXT NOT NULL PRIMARY KEY,
  expires INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS {revoked_sessions_expires} ON {revoked_sessions} (expires);
