package account

// TwoFactorStatus is a user's second factor as an app shows it
// (authgo.Auth.TwoFactorStatus).
type TwoFactorStatus struct {
	// Enabled: the user has a confirmed authenticator app.
	Enabled bool `json:"enabled"`
	// BackupCodes is the number of unused backup codes.
	BackupCodes int `json:"backupCodes"`
	// Required: policy requires a second factor of the user
	// (authgo.TwoFactorConfig.Required, RequiredForAll); it cannot be
	// turned off.
	Required bool `json:"required"`
}

// TOTPEnrolment is an authenticator app being set up
// (authgo.Auth.EnrollTOTP, NewTOTPEnrolment): show QRCode (a PNG) or
// Secret (to type) or URI (an otpauth:// link), then confirm with the
// first code (authgo.Auth.ConfirmTOTP). Until then the factor is not on.
type TOTPEnrolment struct {
	Secret string `json:"secret"`
	URI    string `json:"uri"`
	QRCode []byte `json:"qrCode"` // PNG; base64 in JSON
}
