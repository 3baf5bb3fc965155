package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

// TestHelpAskedForGoesToStdout: every way of asking for help prints it on
// stdout and exits 0, nothing on stderr.
func TestHelpAskedForGoesToStdout(t *testing.T) {
	for _, args := range [][]string{
		{"-h"}, {"--help"}, {"help"}, {"help", "token"}, {"help", "secret"},
		{"token", "-h"}, {"token", "--help"}, {"token", "help"},
		{"token", "encode", "-h"}, {"token", "decode", "--help"}, {"help", "demo"},
		{"secret", "-h"}, {"demo", "--help"}, {"migrate", "-h"}, {"help", "migrate"},
	} {
		code, out, errOut := runCLI(t, "", args...)
		if code != 0 || !strings.Contains(out, "Usage") || errOut != "" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
	if _, out, _ := runCLI(t, "", "token", "encode", "-h"); !strings.Contains(out, "-max-age") || !strings.Contains(out, "-secret") || !strings.Contains(out, "-salt") {
		t.Errorf("token encode -h does not list its flags:\n%s", out)
	}
}

// TestUsageMistakesGoToStderr: a mistake says what is wrong on stderr,
// with the usage, and exits 2.
func TestUsageMistakesGoToStderr(t *testing.T) {
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"token"}, "missing subcommand, encode or decode"},
		{[]string{"token", "frob"}, `unknown subcommand "frob"`},
		{[]string{"token", "encode", "--nope"}, "flag provided but not defined: -nope"},
		{[]string{"secret", "--nope"}, "flag provided but not defined: -nope"},
		{[]string{"secret", "my-pasted-secret"}, "authgo secret: takes no arguments, got 1"},
		{[]string{"demo", "extra"}, "unexpected argument"},
	} {
		code, out, errOut := runCLI(t, "", c.args...)
		if code != 2 || out != "" || !strings.Contains(errOut, c.says) || !strings.Contains(errOut, "Usage") && c.args[0] != "demo" {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want 2 and %q with the usage", c.args, code, out, errOut, c.says)
		}
	}
	if _, _, errOut := runCLI(t, "", "secret", "my-pasted-secret"); strings.Contains(errOut, "my-pasted-secret") {
		t.Error("authgo secret echoed its argument, which may be a secret")
	}
}

// TestTokenWaitsOnTerminal: with stdin a character device (a terminal;
// /dev/null is one too) the token commands say they wait for input; with
// a pipe they do not.
func TestTokenWaitsOnTerminal(t *testing.T) {
	tty, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	for sub, what := range map[string]string{"decode": "waiting for a token or a Cookie header on stdin", "encode": "waiting for a JSON object on stdin"} {
		var out, errOut bytes.Buffer
		run([]string{"token", sub, "--secret", testSecret}, tty, &out, &errOut)
		if !strings.Contains(errOut.String(), "authgo token "+sub+": "+what) {
			t.Errorf("%s on a terminal: stderr %q", sub, errOut.String())
		}
		_, _, piped := runCLI(t, "", "token", sub, "--secret", testSecret)
		if strings.Contains(piped, "waiting") {
			t.Errorf("%s on a pipe: stderr %q", sub, piped)
		}
	}
}

func TestFormatVersion(t *testing.T) {
	set := func(kv ...string) []debug.BuildSetting {
		var out []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			out = append(out, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return out
	}
	for _, c := range []struct {
		bi   debug.BuildInfo
		want string
	}{
		{debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"}},
			"authgo v1.2.3 (go1.26.8)"},
		{debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
			Settings: set("vcs.revision", "0123456789abcdef0123", "vcs.time", "2026-11-30T12:00:00Z", "vcs.modified", "true")},
			"authgo (devel) (revision 0123456789ab, 2026-11-30T12:00:00Z, with uncommitted changes, go1.26.8)"},
		{debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			"authgo (devel) (no VCS revision: go run, go.work workspace builds and -buildvcs=false stamp none, go1.26.8)"},
	} {
		if got := formatVersion(&c.bi); got != c.want {
			t.Errorf("got  %q\nwant %q", got, c.want)
		}
	}
	for _, args := range [][]string{{"--version"}, {"version"}, {"-version"}} {
		if code, out, _ := runCLI(t, "", args...); code != 0 || !strings.HasPrefix(out, "authgo ") {
			t.Errorf("%q: exit %d, %q", args, code, out)
		}
	}
}

// TestVersionOfBuiltBinary builds authgo as a developer does and checks
// that --version says what the go command stamped into the binary, as
// `go version -m` reads it: the module version and, when there is one, the
// VCS revision. (A build in this go.work workspace stamps none; the
// revision path is covered by TestFormatVersion.)
func TestVersionOfBuiltBinary(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "authgo")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	info, err := exec.Command("go", "version", "-m", bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	mod := regexp.MustCompile(`(?m)^\tmod\t\S+\t(\S+)`).FindSubmatch(info)
	if mod == nil {
		t.Fatalf("go version -m: no main module in\n%s", info)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, []byte("authgo "+string(mod[1])+" (")) {
		t.Errorf("--version printed %q; go version -m says the version is %s", out, mod[1])
	}
	if rev := regexp.MustCompile(`(?m)^\tbuild\tvcs\.revision=(\w{12})`).FindSubmatch(info); rev != nil {
		if !bytes.Contains(out, append([]byte("revision "), rev[1]...)) {
			t.Errorf("--version printed %q; go version -m says the revision is %s", out, rev[1])
		}
	} else if !bytes.Contains(out, []byte("no VCS revision")) {
		t.Errorf("--version printed %q for a binary without a VCS revision", out)
	}
}
