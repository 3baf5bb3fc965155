package pages

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"
)

// TwoFactor is the data of the second-factor challenge: a form that posts
// code, trustDevice (when TrustDays is set) and csrfToken to Action. Error
// is a sentence shown in an alert (a wrong code), "" for none.
type TwoFactor struct {
	Theme     Theme
	Action    string
	CSRFToken string
	TrustDays int // the "don't ask again" box for so many days; 0: none
	Error     string
	CancelURL string // where "Cancel" leads (the sign-in page)
}

// TwoFactorEnrol is the data of the page that sets an authenticator app
// up: the QR code (a PNG, shown as a data: URL), the secret to type by
// hand, the otpauth URI, a form that posts the first code with csrfToken
// to Action, and one that posts newSecret=true there for another key.
type TwoFactorEnrol struct {
	Theme     Theme
	Action    string
	CSRFToken string
	QRCode    []byte // PNG
	Secret    string
	URI       string
	Required  bool // the account must use a second factor
	Error     string
}

// BackupCodes is the data of the page that shows new backup codes, once.
// ContinueURL, when set, is where "Continue" leads.
type BackupCodes struct {
	Theme       Theme
	Codes       []string
	ContinueURL string
}

// RenderTwoFactor writes the second-factor challenge with the given status.
func RenderTwoFactor(w http.ResponseWriter, status int, d TwoFactor) error {
	return render(w, status, "twofactor", page{Title: "Two-factor authentication", Theme: d.Theme.view(), Body: d})
}

type enrolView struct {
	TwoFactorEnrol
	QR template.URL
	// Link is URI as a link: html/template would replace an otpauth: URL
	// (not http, https or mailto) by #ZgotmplZ; the URI is authgo's own.
	Link template.URL
}

// RenderTwoFactorEnrol writes the enrolment page with the given status.
func RenderTwoFactorEnrol(w http.ResponseWriter, status int, d TwoFactorEnrol) error {
	v := enrolView{TwoFactorEnrol: d, QR: template.URL("data:image/png;base64," + base64Std(d.QRCode))}
	if strings.HasPrefix(d.URI, "otpauth://") {
		v.Link = template.URL(d.URI)
	}
	return render(w, status, "twofactorenrol", page{Title: "Set up two-factor authentication", Theme: d.Theme.view(), Body: v})
}

// RenderBackupCodes writes the backup codes page with the given status.
func RenderBackupCodes(w http.ResponseWriter, status int, d BackupCodes) error {
	return render(w, status, "backupcodes", page{Title: "Backup codes", Theme: d.Theme.view(), Body: d})
}

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
