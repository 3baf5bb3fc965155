-- authgo schema 1 for MySQL 8 / MariaDB 10.5+: the tables of the PostgreSQL
-- schema. Keys are VARCHAR(255) (an index on TEXT needs a prefix), times
-- DATETIME(3) in UTC, and the collation is binary without padding so that
-- tokens and emails compare byte for byte. {collate} is utf8mb4_nopad_bin on
-- MariaDB and utf8mb4_0900_bin on MySQL.
CREATE TABLE IF NOT EXISTS {users} (
  id VARCHAR(255) NOT NULL PRIMARY KEY,
  name TEXT,
  email VARCHAR(255) UNIQUE,
  "emailVerified" DATETIME(3),
  image TEXT,
  role VARCHAR(255)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collate};
CREATE TABLE IF NOT EXISTS {accounts} (
  id VARCHAR(255) NOT NULL PRIMARY KEY,
  "userId" VARCHAR(255) NOT NULL,
  type VARCHAR(255) NOT NULL,
  provider VARCHAR(255) NOT NULL,
  "providerAccountId" VARCHAR(255) NOT NULL,
  refresh_token TEXT,
  access_token TEXT,
  expires_at BIGINT,
  id_token TEXT,
  scope TEXT,
  session_state TEXT,
  token_type TEXT,
  UNIQUE KEY {accounts_provider} (provider, "providerAccountId"),
  KEY {accounts_userId} ("userId"),
  FOREIGN KEY ("userId") REFERENCES {users} (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collate};
CREATE TABLE IF NOT EXISTS {sessions} (
  id VARCHAR(255) NOT NULL PRIMARY KEY,
  "sessionToken" VARCHAR(255) NOT NULL,
  "userId" VARCHAR(255) NOT NULL,
  expires DATETIME(3) NOT NULL,
  "createdAt" DATETIME(3) DEFAULT CURRENT_TIMESTAMP(3),
  "lastSeenAt" DATETIME(3),
  "userAgent" TEXT,
  ip VARCHAR(255),
  UNIQUE KEY {sessions_sessionToken} ("sessionToken"),
  KEY {sessions_userId} ("userId"),
  KEY {sessions_expires} (expires),
  FOREIGN KEY ("userId") REFERENCES {users} (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collate};
CREATE TABLE IF NOT EXISTS {verification_token} (
  identifier VARCHAR(255) NOT NULL,
  expires DATETIME(3) NOT NULL,
  token VARCHAR(255) NOT NULL,
  PRIMARY KEY (identifier, token),
  KEY {verification_token_expires} (expires)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collate};
CREATE TABLE IF NOT EXISTS {authenticators} (
  "credentialID" VARCHAR(255) NOT NULL,
  "userId" VARCHAR(255) NOT NULL,
  "providerAccountId" VARCHAR(255) NOT NULL,
  "credentialPublicKey" TEXT NOT NULL,
  counter BIGINT NOT NULL,
  "credentialDeviceType" VARCHAR(255) NOT NULL,
  "credentialBackedUp" BOOLEAN NOT NULL,
  transports VARCHAR(255),
  PRIMARY KEY ("userId", "credentialID"),
  UNIQUE KEY {authenticators_credentialID} ("credentialID"),
  FOREIGN KEY ("userId") REFERENCES {users} (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collate};
CREATE TABLE IF NOT EXISTS {revocations} (
  "userId" VARCHAR(255) NOT NULL PRIMARY KEY,
  "revokedBefore" DATETIME(3) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collate};
