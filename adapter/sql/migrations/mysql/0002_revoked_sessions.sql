-- authgo schema 2: the JWT sessions that were signed out, one row each,
-- kept until every token of the session has expired (DeleteExpired then
-- deletes the row).
CREATE TABLE IF NOT EXISTS {revoked_sessions} (
  "sessionId" VARCHAR(255) NOT NULL PRIMARY KEY,
  expires DATETIME(3) NOT NULL,
  KEY {revoked_sessions_expires} (expires)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collate};
