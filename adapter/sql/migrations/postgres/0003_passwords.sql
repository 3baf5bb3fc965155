-- authgo schema 3: the password hashes of password accounts
-- (providers.Password), one row per user, beside the users table so that a
-- shared Auth.js schema is left as it is. Deleting the user deletes it.
CREATE TABLE IF NOT EXISTS {passwords} (
  "userId" TEXT NOT NULL PRIMARY KEY REFERENCES {users} (id) ON DELETE CASCADE,
  hash TEXT NOT NULL,
  "updatedAt" TIMESTAMPTZ NOT NULL DEFAULT now()
);
