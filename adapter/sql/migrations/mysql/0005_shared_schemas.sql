-- authgo schema 5: on a schema other than authgo's own (an Auth.js app's
-- tables, Options.Schema), a user's role and a session's metadata live in
-- authgo's tables beside the host's, keyed by the host's user id (as text)
-- and session token; the host tables keep their columns.
-- authgo: only shared
CREATE TABLE IF NOT EXISTS {user_data} (
  "userId" VARCHAR(255) NOT NULL PRIMARY KEY,
  role VARCHAR(255)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collate};
CREATE TABLE IF NOT EXISTS {session_data} (
  "sessionToken" VARCHAR(255) NOT NULL PRIMARY KEY,
  "userId" VARCHAR(255) NOT NULL,
  "createdAt" DATETIME(3),
  "lastSeenAt" DATETIME(3),
  "userAgent" TEXT,
  ip VARCHAR(255),
  KEY {session_data_userId} ("userId")
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collate};
