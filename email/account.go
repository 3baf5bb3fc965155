package email

import "time"

// The mail of password accounts (authgo's providers.Password). Each is a
// Content: change a sentence before sending if you like.

// VerifyEmail is the mail that verifies an address after sign-up: a
// "Verify email" button to URL and, when set, a one-time code.
func VerifyEmail(host, url, code string, expiresIn time.Duration) Content {
	c := Content{
		Subject: "Verify your email for " + host,
		Heading: "Verify your email for",
		Host:    host,
		Intro:   []string{"Confirm that this address is yours to finish setting up your account."},
		Button:  &Button{Label: "Verify email", URL: url},
		Code:    code,
		Notes:   []string{"If you did not create an account you can safely ignore this email."},
	}
	if expiresIn > 0 {
		c.Notes = append([]string{"This link expires in " + humanDuration(expiresIn) + "."}, c.Notes...)
	}
	return c
}

// SignUpAttempt is the mail the owner of an address gets when someone
// signs up with it again: no account is created, nothing changes.
func SignUpAttempt(host, signInURL, resetURL string) Content {
	return Content{
		Subject: "Someone tried to sign up for " + host + " with your address",
		Heading: "You already have an account on",
		Host:    host,
		Intro: []string{
			"Someone (maybe you) tried to create a new account with this email address. Your account is unchanged.",
			"If it was you, sign in instead. Forgot your password? Reset it here: " + resetURL,
		},
		Button: &Button{Label: "Sign in", URL: signInURL},
		Notes:  []string{"If it was not you, you can ignore this email: nobody can use your account without your password."},
	}
}

// PasswordReset is the mail with a link that sets a new password.
func PasswordReset(host, url string, expiresIn time.Duration) Content {
	return Content{
		Subject: "Reset your password for " + host,
		Heading: "Reset your password for",
		Host:    host,
		Intro:   []string{"Someone (maybe you) asked to reset the password of the account with this address."},
		Button:  &Button{Label: "Choose a new password", URL: url},
		Notes: []string{
			"This link expires in " + humanDuration(expiresIn) + " and works once.",
			"If you did not ask for this you can ignore this email: your password stays as it is.",
		},
	}
}

// ConfirmNewEmail is the mail to a new address that confirms a change of
// the account's address.
func ConfirmNewEmail(host, url string, expiresIn time.Duration) Content {
	return Content{
		Subject: "Confirm your new email for " + host,
		Heading: "Confirm your new email for",
		Host:    host,
		Intro:   []string{"Confirm that the account's email should change to this address."},
		Button:  &Button{Label: "Confirm new email", URL: url},
		Notes: []string{
			"This link expires in " + humanDuration(expiresIn) + ".",
			"If you did not ask for this you can ignore this email: nothing changes.",
		},
	}
}

// Notice is a mail that tells the owner of an account that something
// happened (the password was changed, the address is changing, the account
// was deleted): a heading with the host and paragraphs.
func Notice(host, subject string, text ...string) Content {
	return Content{
		Subject: subject,
		Heading: subject + " —",
		Host:    host,
		Intro:   text,
		Notes:   []string{"If this was not you, reset your password at once and contact the site's support."},
	}
}
