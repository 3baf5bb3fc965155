package pages

import (
	"net/http/httptest"
	"strings"
	"testing"
)

// TestTwoFactorPages: the challenge, enrolment and backup-code pages
// render in the common layout with labelled inputs, escaped values, the
// QR code as a data: URL and the page headers.
func TestTwoFactorPages(t *testing.T) {
	w := httptest.NewRecorder()
	if err := RenderTwoFactor(w, 401, TwoFactor{Action: "/api/auth/two-factor/challenge", CSRFToken: "tok", TrustDays: 30, Error: "That code is not right.", CancelURL: "/api/auth/signin"}); err != nil {
		t.Fatal(err)
	}
	body := w.Body.String()
	for _, want := range []string{`<label for="input-code">`, `id="input-code" name="code"`, `autocomplete="one-time-code"`, `aria-invalid="true"`, `role="alert"`,
		`name="trustDevice" value="true"`, "for 30 days", `name="csrfToken" value="tok"`} {
		if !strings.Contains(body, want) {
			t.Errorf("challenge page lacks %s", want)
		}
	}
	if w.Code != 401 || w.Header().Get("Content-Security-Policy") != ContentSecurityPolicy || strings.Contains(body, "<script") {
		t.Errorf("challenge page: status %d, headers %v", w.Code, w.Header())
	}

	w = httptest.NewRecorder()
	d := TwoFactorEnrol{Action: "/e", CSRFToken: "tok", QRCode: []byte("\x89PNG"), Secret: "JBSWY3DPEHPK3PXP", URI: "otpauth://totp/a:b?secret=JBSWY3DPEHPK3PXP&issuer=<x>", Required: true}
	if err := RenderTwoFactorEnrol(w, 200, d); err != nil {
		t.Fatal(err)
	}
	body = w.Body.String()
	for _, want := range []string{`src="data:image/png;base64,iVBORw==`, "<code>JBSWY3DPEHPK3PXP</code>", `href="otpauth://totp/a:b?secret=JBSWY3DPEHPK3PXP&amp;issuer=%3cx%3e"`, "needs a second factor", `alt="`, `name="newSecret" value="true"`} {
		if !strings.Contains(body, want) {
			t.Errorf("enrolment page lacks %s:\n%s", want, body)
		}
	}

	w = httptest.NewRecorder()
	if err := RenderBackupCodes(w, 200, BackupCodes{Codes: []string{"aaaaa-bbbbb", "<b>"}, ContinueURL: "/next"}); err != nil {
		t.Fatal(err)
	}
	body = w.Body.String()
	if !strings.Contains(body, "<li><code>aaaaa-bbbbb</code></li>") || !strings.Contains(body, "&lt;b&gt;") || !strings.Contains(body, `href="/next"`) {
		t.Errorf("backup codes page:\n%s", body)
	}
}
