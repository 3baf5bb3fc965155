package email

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/textproto"
	"os"
	"strings"
	"testing"

	"github.com/wneessen/go-mail/smtp"
)

// TestSendErrorKeepsSecretsOut: a server's reply may echo the recipient,
// the user name or anything else; Error() and LogValue keep the codes and
// drop the text, while errors.As still reaches the full reply.
func TestSendErrorKeepsSecretsOut(t *testing.T) {
	const addr, pw, token = "victim@example.org", "hunter2hunter2", "tok_0123456789abcdef"
	for _, c := range []struct {
		step Step
		err  error
		want string
	}{
		{StepRcpt, &textproto.Error{Code: 550, Msg: "5.1.1 <" + addr + ">: Recipient address rejected"}, "email: rcpt failed: server replied 550 5.1.1"},
		{StepAuth, fmt.Errorf("wrapped: %w", &textproto.Error{Code: 535, Msg: "5.7.8 bad password " + pw}), "email: auth failed: server replied 535 5.7.8"},
		{StepData, &textproto.Error{Code: 451, Msg: "queue full, echoing " + token}, "email: data failed: server replied 451"},
		{StepAuth, fmt.Errorf("%w: %s", smtp.ErrUnexpectedServerResponse, pw), "email: auth failed: unexpected reply from the server"},
		{StepHello, errors.New("smtp: odd line " + addr), "email: hello failed: unexpected reply from the server"},
	} {
		e := newSendError(c.step, c.err)
		if e.Error() != c.want {
			t.Errorf("Error() = %q, want %q", e.Error(), c.want)
		}
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Error("send failed", "err", e)
		for _, secret := range []string{addr, pw, token} {
			if strings.Contains(e.Error(), secret) || strings.Contains(buf.String(), secret) {
				t.Errorf("%s leaks %q: %s", c.step, secret, buf.String())
			}
		}
		if !strings.Contains(buf.String(), `"step":"`+string(c.step)+`"`) {
			t.Errorf("log line lacks the step: %s", buf.String())
		}
		if !errors.Is(e, c.err) {
			t.Errorf("Unwrap lost the cause")
		}
	}
}

func TestSendErrorClasses(t *testing.T) {
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	for _, c := range []struct {
		e         *SendError
		timeout   bool
		temporary bool
		text      string
	}{
		{newSendError(StepRcpt, &textproto.Error{Code: 450, Msg: "4.2.0 greylisted"}), false, true, "server replied 450 4.2.0"},
		{newSendError(StepRcpt, &textproto.Error{Code: 550, Msg: "no"}), false, false, "server replied 550"},
		{newSendError(StepGreeting, context.DeadlineExceeded), true, true, "timed out"},
		{newSendError(StepData, fmt.Errorf("read: %w", os.ErrDeadlineExceeded)), true, true, "timed out"},
		{newSendError(StepData, context.Canceled), false, false, "canceled"},
		{newSendError(StepDial, dialErr), false, true, "dial tcp: connect: connection refused"},
		{newSendError(StepTLS, ErrStartTLSUnavailable), false, false, ErrStartTLSUnavailable.Error()},
		{newSendError(StepAuth, ErrInsecureAuth), false, false, ErrInsecureAuth.Error()},
		{newSendError(StepMessage, invalid("To is not one email address")), false, false, "email: invalid message: To is not one email address"},
	} {
		if c.e.Timeout() != c.timeout || c.e.Temporary() != c.temporary {
			t.Errorf("%v: Timeout %v Temporary %v, want %v %v", c.e, c.e.Timeout(), c.e.Temporary(), c.timeout, c.temporary)
		}
		if want := "email: " + string(c.e.Step) + " failed: " + c.text; c.e.Error() != want {
			t.Errorf("Error() = %q, want %q", c.e.Error(), want)
		}
	}
}
