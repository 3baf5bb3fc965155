-- authgo schema 6: what passkey management needs beyond Auth.js's
-- Authenticator columns, all nullable (rows written by Auth.js have none):
-- the WebAuthn user handle the credential was registered with (base64url),
-- the authenticator model (AAGUID), a name the user chose, and when the
-- passkey was added and last used (Unix milliseconds).
ALTER TABLE {authenticators} ADD COLUMN "userHandle" TEXT;
ALTER TABLE {authenticators} ADD COLUMN aaguid TEXT;
ALTER TABLE {authenticators} ADD COLUMN name TEXT;
ALTER TABLE {authenticators} ADD COLUMN "createdAt" INTEGER;
ALTER TABLE {authenticators} ADD COLUMN "lastUsedAt" INTEGER;
