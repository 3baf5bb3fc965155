package pages

import "net/http"

// ErrorStatus returns the HTTP status the error page is served with for an
// Auth.js error code: 500 for Configuration, 403 for AccessDenied and
// Verification, and 200 for every other code, as Auth.js's error page does.
func ErrorStatus(code string) int {
	switch code {
	case "Configuration":
		return http.StatusInternalServerError
	case "AccessDenied", "Verification":
		return http.StatusForbidden
	default:
		return http.StatusOK
	}
}

// SignInMessage returns the sentence the sign-in page shows in its error
// banner for an Auth.js error code (the ?error= parameter). The sentences are
// the ones Auth.js's sign-in page shows; an unknown code, and MissingCSRF,
// give "Unable to sign in." The code itself is never shown, so a crafted
// ?error= value cannot put text of its choosing on the page.
func SignInMessage(code string) string {
	switch code {
	case "Signin", "OAuthSignin", "OAuthCallbackError", "OAuthCreateAccount",
		"EmailCreateAccount", "Callback":
		return "Try signing in with a different account."
	case "OAuthAccountNotLinked":
		return "To confirm your identity, sign in with the same account you used originally."
	case "EmailSignin":
		return "The e-mail could not be sent."
	case "CredentialsSignin":
		return "Sign in failed. Check the details you provided are correct."
	case "SessionRequired":
		return "Please sign in to access this page."
	default:
		return "Unable to sign in."
	}
}

// ErrorMessage returns the heading and the explanation the error page shows
// for an Auth.js error code. The headings are Auth.js's ("Server error",
// "Access Denied", "Unable to sign in", "Error"); an unknown code gets the
// generic pair, and the code itself is never shown.
func ErrorMessage(code string) (title, message string) {
	switch code {
	case "Configuration":
		return "Server error", "The server is not set up correctly. Its log says what to fix."
	case "AccessDenied":
		return "Access Denied", "You are not allowed to sign in with this account."
	case "Verification":
		return "Unable to sign in", "The sign in link is no longer valid. It may have been used already, or it may have expired."
	case "Unavailable":
		return "Try again later", "The service could not finish this request just now. Try again in a few minutes."
	default:
		return "Error", "Something went wrong while signing in."
	}
}
