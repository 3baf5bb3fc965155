package authgo

import "slices"

// How a user authenticated: the "amr" (authentication methods references)
// values of RFC 8176 §2 that authgo records in the session token's amr
// claim and shows as Session.AMR. Every sign-in path declares the methods
// it proved; the second factor adds its own and AMRMultiFactor.
//
// RFC 8176 registers no value for a federated sign-in or for proof of a
// mailbox; authgo uses "fed" (as Microsoft Entra ID does) and "email" for
// them, and "backup_code" for a single-use backup code, so that an audit
// can tell it from an authenticator app's code.
const (
	// AMRPassword ("pwd"): a credentials provider or a password account.
	AMRPassword = "pwd"
	// AMRFederated ("fed"): an OAuth or OIDC provider vouched for the user.
	AMRFederated = "fed"
	// AMREmail ("email"): the user proved the mailbox, by a magic link or by
	// the code of the sign-in mail. It is one factor, possession of the
	// mailbox, whichever of the two was used.
	AMREmail = "email"
	// AMROTP ("otp"): a TOTP code of an authenticator app (RFC 6238).
	AMROTP = "otp"
	// AMRBackupCode ("backup_code"): one of the user's single-use backup
	// codes, in place of the authenticator app.
	AMRBackupCode = "backup_code"
	// AMRHardwareKey ("hwk"): a passkey or security key (WebAuthn).
	AMRHardwareKey = "hwk"
	// AMRUserPresence ("user"): the authenticator tested the user's
	// presence.
	AMRUserPresence = "user"
	// AMRMultiFactor ("mfa"): two factors were proved. The second-factor
	// check of every sign-in is satisfied by a sign-in whose methods hold
	// it: a passkey with user verification (the device and the PIN or
	// biometric that unlocked it) declares AMRHardwareKey and AMRMultiFactor
	// and is asked for no further code.
	AMRMultiFactor = "mfa"
)

// amrClaim is the token claim holding Session.AMR (RFC 8176; OpenID
// Connect Core §2).
const amrClaim = "amr"

// tokenAMR returns the amr claim of t: a JSON array of strings, which
// decodes to []any (or is still []string when t was never encoded).
func tokenAMR(t *Token) []string {
	switch v := t.Extra[amrClaim].(type) {
	case []string:
		return slices.Clone(v)
	case []any:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// withMethods returns methods with more added, each once, in order.
func withMethods(methods []string, more ...string) []string {
	out := slices.Clone(methods)
	for _, m := range more {
		if !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}
