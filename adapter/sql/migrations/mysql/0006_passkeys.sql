-- authgo schema 6: what passkey management needs beyond Auth.js's
-- Authenticator columns, all nullable (rows written by Auth.js have none):
-- the WebAuthn user handle the credential was registered with (base64url),
-- the authenticator model (AAGUID), a name the user chose, and when the
-- passkey was added and last used. One statement, so that an interrupted
-- run leaves all columns or none (MySQL 8 has no ADD COLUMN IF NOT EXISTS).
ALTER TABLE {authenticators}
  ADD COLUMN "userHandle" VARCHAR(255) NULL,
  ADD COLUMN aaguid VARCHAR(64) NULL,
  ADD COLUMN name VARCHAR(255) NULL,
  ADD COLUMN "createdAt" DATETIME(3) NULL,
  ADD COLUMN "lastUsedAt" DATETIME(3) NULL;
