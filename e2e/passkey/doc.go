// Package passkey holds the end-to-end passkey tests: headless Chromium
// with a virtual authenticator (the DevTools WebAuthn domain) against an
// authgo server, through the built-in sign-in page and through
// next-auth/webauthn's signIn.
package passkey
