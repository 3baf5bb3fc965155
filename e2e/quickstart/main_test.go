package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The README's quick start is this directory's main.go, byte for byte: a
// change to either that is not made to both fails here.
func TestREADMEQuickStartIsMainGo(t *testing.T) {
	block := readmeBlock(t, "## Quick start")
	file, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	if block != string(file) {
		t.Fatalf("the README's quick start and e2e/quickstart/main.go differ; first difference:\n%s", firstDifference(block, string(file)))
	}
}

// The quick start runs as written: a browser is sent to sign in, signs in
// with the example user, and sees the page; a wrong password is refused.
func TestQuickStartRuns(t *testing.T) {
	base := start(t, nil)
	browser := newBrowser(t)
	resp := browser.get(t, base+"/")
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || loc != "/api/auth/signin?callbackUrl=%2F" {
		t.Fatalf("GET / signed out: %d %q", resp.StatusCode, loc)
	}
	if page := body(t, browser.get(t, base+"/api/auth/signin")); !strings.Contains(page, "Sign in with Credentials") {
		t.Fatalf("sign-in page: %s", page)
	}
	resp = browser.signIn(t, base, "ada@example.com", "a wrong password")
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "error=CredentialsSignin") {
		t.Fatalf("wrong password: %d %q", resp.StatusCode, loc)
	}
	resp = browser.signIn(t, base, " Ada@Example.com", "correct horse battery staple")
	if loc := resp.Header.Get("Location"); loc != base+"/" {
		t.Fatalf("sign-in: %d %q", resp.StatusCode, loc)
	}
	if got := body(t, browser.get(t, base+"/")); got != "Hello Ada! Sign out at /api/auth/signout\n" {
		t.Fatalf("GET / signed in: %q", got)
	}
}

// The README's "Add GitHub" block goes into the quick start as it says,
// builds, and makes a working provider: GitHub is listed, and signing in
// with it sends the browser to GitHub with the app's client id and
// callback URL.
func TestREADMEAddGitHub(t *testing.T) {
	block := readmeBlock(t, "### Add GitHub")
	lines := strings.Split(strings.TrimSuffix(block, "\n"), "\n")
	anchor := lines[0] + "\n" + lines[len(lines)-1] + "\n"
	file, err := os.ReadFile("main.go")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(file), anchor) != 1 {
		t.Fatalf("the first and last lines of the README's GitHub block are not two adjacent lines of main.go:\n%s", anchor)
	}
	withGitHub := strings.Replace(string(file), anchor, block, 1)
	base := start(t, map[string]string{"main.go": withGitHub}, "AUTH_GITHUB_ID=Iv1.readme", "AUTH_GITHUB_SECRET=readme-secret")

	browser := newBrowser(t)
	var list map[string]struct{ ID, Type string }
	if err := json.Unmarshal([]byte(body(t, browser.get(t, base+"/api/auth/providers"))), &list); err != nil || list["github"].Type != "oauth" || list["credentials"].Type != "credentials" {
		t.Fatalf("providers: %v %v", list, err)
	}
	resp := browser.post(t, base+"/api/auth/signin/github", url.Values{"csrfToken": {browser.csrf(t, base)}})
	to, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || to.Host != "github.com" || to.Path != "/login/oauth/authorize" ||
		to.Query().Get("client_id") != "Iv1.readme" || to.Query().Get("redirect_uri") != base+"/api/auth/callback/github" {
		t.Fatalf("sign-in with GitHub: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}

// readmeBlock returns the first ```go block after the line heading of the
// repository's README.md.
func readmeBlock(t *testing.T, heading string) string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(readme), "\n"+heading+"\n")
	if !ok {
		t.Fatalf("README.md has no line %q", heading)
	}
	_, after, ok = strings.Cut(after, "\n```go\n")
	if !ok {
		t.Fatalf("README.md has no ```go block after %q", heading)
	}
	block, _, ok := strings.Cut(after, "\n```\n")
	if !ok {
		t.Fatalf("the ```go block after %q does not end", heading)
	}
	return block + "\n"
}

// firstDifference shows the first line where a and b differ.
func firstDifference(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(al), len(bl)) {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return "line " + strconv.Itoa(i+1) + "\nREADME:  " + x + "\nmain.go: " + y
		}
	}
	return "(none)"
}

// start builds this program (with files of the directory replaced by
// overlay's contents) and runs it on a free loopback port with the
// environment env added, until the test ends. It returns the program's
// base URL once it answers.
func start(t *testing.T, overlay map[string]string, env ...string) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build the quick start: %v", err)
	}
	dir := t.TempDir()
	args := []string{"build", "-o", filepath.Join(dir, "quickstart")}
	if overlay != nil {
		replace := map[string]string{}
		for name, content := range overlay {
			abs, _ := filepath.Abs(name)
			replace[abs] = filepath.Join(dir, name)
			if err := os.WriteFile(replace[abs], []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		spec, _ := json.Marshal(map[string]any{"Replace": replace})
		if err := os.WriteFile(filepath.Join(dir, "overlay.json"), spec, 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, "-overlay", filepath.Join(dir, "overlay.json"))
	}
	if out, err := exec.Command(gobin, append(args, ".")...).CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(filepath.Join(dir, "quickstart"))
	cmd.Env = append(append(os.Environ(), "ADDR="+addr, "AUTH_SECRET=", "AUTH_URL="), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	logged := make(chan string, 1)
	go func() {
		var all strings.Builder
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			all.WriteString(sc.Text() + "\n")
			if strings.Contains(sc.Text(), "open http://"+addr+"/") {
				logged <- ""
			}
		}
		logged <- all.String()
	}()
	select {
	case out := <-logged:
		if out != "" {
			t.Fatalf("the quick start ended:\n%s", out)
		}
	case <-time.After(time.Minute):
		t.Fatal("the quick start did not start within a minute")
	}
	// It logs just before it listens.
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the quick start does not listen on %s: %v", addr, err)
		}
	}
	return "http://" + addr
}

// browser is an HTTP client with cookies that does not follow redirects.
type browser struct{ c *http.Client }

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{&http.Client{Jar: jar, Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(t *testing.T, u string) *http.Response {
	t.Helper()
	resp, err := b.c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func (b *browser) post(t *testing.T, u string, form url.Values) *http.Response {
	t.Helper()
	resp, err := b.c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func (b *browser) csrf(t *testing.T, base string) string {
	t.Helper()
	var out struct{ CSRFToken string }
	if err := json.Unmarshal([]byte(body(t, b.get(t, base+"/api/auth/csrf"))), &out); err != nil || out.CSRFToken == "" {
		t.Fatalf("csrf: %v", err)
	}
	return out.CSRFToken
}

// signIn posts the built-in sign-in form.
func (b *browser) signIn(t *testing.T, base, email, pw string) *http.Response {
	t.Helper()
	return b.post(t, base+"/api/auth/callback/credentials", url.Values{
		"email": {email}, "password": {pw}, "csrfToken": {b.csrf(t, base)}, "callbackUrl": {base + "/"},
	})
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
