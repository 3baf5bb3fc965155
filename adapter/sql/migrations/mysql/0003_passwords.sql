-- authgo schema 3: the password hashes of password accounts
-- (providers.Password), one row per user, beside the users table so that a
-- shared Auth.js schema is left as it is. Deleting the user deletes it.
CREATE TABLE IF NOT EXISTS {passwords} (
  "userId" VARCHAR(255) NOT NULL PRIMARY KEY,
  hash VARCHAR(512) NOT NULL,
  "updatedAt" DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  FOREIGN KEY ("userId") REFERENCES {users} (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collate};
