// Package amr names how a user authenticated: the "amr" (authentication
// methods references) values of RFC 8176 §2 that authgo records in the
// session token's amr claim and shows as authgo.Session.AMR. Every sign-in
// path declares the methods it proved; the second factor adds its own and
// MultiFactor. Auth.RequireFactor and Auth.CheckFactor take these values:
//
//	mux.Handle("/admin/", auth.RequireFactor(amr.MultiFactor)(adminArea))
//
// RFC 8176 registers no value for a federated sign-in or for proof of a
// mailbox; authgo uses "fed" (as Microsoft Entra ID does) and "email" for
// them, and "backup_code" for a single-use backup code, so that an audit
// can tell it from an authenticator app's code.
package amr

const (
	// Password ("pwd"): a credentials provider or a password account.
	Password = "pwd"
	// Federated ("fed"): an OAuth or OIDC provider vouched for the user.
	Federated = "fed"
	// Email ("email"): the user proved the mailbox, by a magic link or by
	// the code of the sign-in mail. It is one factor, possession of the
	// mailbox, whichever of the two was used.
	Email = "email"
	// OTP ("otp"): a TOTP code of an authenticator app (RFC 6238).
	OTP = "otp"
	// BackupCode ("backup_code"): one of the user's single-use backup
	// codes, in place of the authenticator app.
	BackupCode = "backup_code"
	// HardwareKey ("hwk"): a passkey or security key (WebAuthn).
	HardwareKey = "hwk"
	// UserPresence ("user"): the authenticator tested the user's presence.
	UserPresence = "user"
	// MultiFactor ("mfa"): two factors were proved. The second-factor check
	// of every sign-in is satisfied by a sign-in whose methods hold it: a
	// passkey with user verification (the device and the PIN or biometric
	// that unlocked it) declares HardwareKey and MultiFactor and is asked
	// for no further code.
	MultiFactor = "mfa"
)
