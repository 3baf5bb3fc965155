-- authgo schema 6: what passkey management needs beyond Auth.js's
-- Authenticator columns, all nullable (rows written by Auth.js have none):
-- the WebAuthn user handle the credential was registered with (base64url),
-- the authenticator model (AAGUID), a name the user chose, and when the
-- passkey was added and last used.
ALTER TABLE {authenticators} ADD COLUMN IF NOT EXISTS "userHandle" TEXT;
ALTER TABLE {authenticators} ADD COLUMN IF NOT EXISTS aaguid TEXT;
ALTER TABLE {authenticators} ADD COLUMN IF NOT EXISTS name TEXT;
ALTER TABLE {authenticators} ADD COLUMN IF NOT EXISTS "createdAt" TIMESTAMPTZ;
ALTER TABLE {authenticators} ADD COLUMN IF NOT EXISTS "lastUsedAt" TIMESTAMPTZ;
