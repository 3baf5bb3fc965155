// Package passkey signs users in with passkeys (WebAuthn).
package passkey
