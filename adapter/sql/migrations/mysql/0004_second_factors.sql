-- authgo schema 4: each user's second factor (TwoFactorConfig): the sealed
-- TOTP secret (and one being set up), the last TOTP step used, the hashes
-- of the unused backup codes (a JSON array), and, in Unix microseconds,
-- the times before which trusted-device cookies and pending sign-ins are
-- refused. version makes every write a compare-and-swap. No foreign key:
-- a credentials user of a JWT app need not be stored; DeleteUser deletes
-- the row.
CREATE TABLE IF NOT EXISTS {second_factors} (
  "userId" VARCHAR(255) NOT NULL PRIMARY KEY,
  "totpSecret" TEXT,
  "pendingSecret" TEXT,
  "lastStep" BIGINT NOT NULL DEFAULT 0,
  "backupCodes" TEXT,
  "trustedSince" BIGINT NOT NULL DEFAULT 0,
  "spentBefore" BIGINT NOT NULL DEFAULT 0,
  version BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={collate};
