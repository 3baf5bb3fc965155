package serve

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authgo/authgo/internal/testenv"
)

// The reverse proxies of the proxy tests: Debian's nginx and caddy
// packages. .ci/run installs them and sets these variables.
const (
	nginxEnv = "AUTHGO_TEST_NGINX" // e.g. /usr/sbin/nginx
	caddyEnv = "AUTHGO_TEST_CADDY" // e.g. /usr/bin/caddy
)

// The addresses the README's snippets (testdata/nginx.conf, Caddyfile)
// name, replaced by the test's own ports.
const (
	snippetAuthgo   = "127.0.0.1:3000"
	snippetUpstream = "127.0.0.1:8080"
)

// freePort returns a loopback port nobody listens on now (the proxy binds
// it a moment later; parallel tests each pick their own).
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// echoUpstream is the protected app: it answers with the path and the
// identity headers it received.
func echoUpstream(t *testing.T) *httptest.Server {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := map[string]any{"path": r.URL.RequestURI()}
		for _, h := range []string{"Remote-User", "Remote-Email", "Remote-Groups", "Remote-Name"} {
			got[h] = r.Header.Values(h)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(got)
	}))
	t.Cleanup(s.Close)
	return s
}

// snippet reads a README snippet from testdata with the test's addresses.
func snippet(t *testing.T, name, authgo, upstream string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.NewReplacer(snippetAuthgo, authgo, snippetUpstream, upstream).Replace(string(b))
}

// startProxy runs bin with args until t ends, and waits for port.
func startProxy(t *testing.T, dir string, port int, env []string, bin string, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	logf, err := os.Create(filepath.Join(dir, "proxy.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr, cmd.Dir = logf, logf, dir
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "proxy.log"))
			t.Logf("%s output:\n%s", filepath.Base(bin), b)
			if b, err := os.ReadFile(filepath.Join(dir, "error.log")); err == nil {
				t.Logf("error.log:\n%s", b)
			}
		}
	})
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if c, err := net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			c.Close()
			return
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "proxy.log"))
	t.Fatalf("%s did not listen on %d:\n%s", bin, port, b)
}

func TestNginxForwardAuth(t *testing.T) {
	fx, origin := startNginx(t, proxyRules())
	proxyFlow(t, fx, origin)
}

// startNginx runs authgo serve with rules behind nginx with the README's
// snippet, its server named 127.0.0.1, and returns the fixture and
// nginx's origin.
func startNginx(t *testing.T, rules AccessFile) (*fixture, string) {
	t.Helper()
	bin := testenv.Need(t, nginxEnv)
	port := freePort(t)
	origin := fmt.Sprintf("http://127.0.0.1:%d", port)
	fx := newFixture(t, &File{Users: testUsers(), Access: rules}, map[string]string{"AUTH_URL": origin + "/api/auth"})
	up := echoUpstream(t)
	dir := t.TempDir()
	site := strings.NewReplacer("listen 80;", fmt.Sprintf("listen 127.0.0.1:%d;", port),
		"listen 80 default_server;", fmt.Sprintf("listen 127.0.0.1:%d default_server;", port),
		"server_name app.example.com;", "server_name 127.0.0.1;").
		Replace(snippet(t, "nginx.conf", fx.http.Listener.Addr().String(), up.Listener.Addr().String()))
	conf := fmt.Sprintf(`worker_processes 1;
pid %[1]s/nginx.pid;
error_log %[1]s/error.log info;
events { worker_connections 64; }
http {
    access_log %[1]s/access.log;
    client_body_temp_path %[1]s/body;
    proxy_temp_path %[1]s/proxy;
    fastcgi_temp_path %[1]s/fastcgi;
    uwsgi_temp_path %[1]s/uwsgi;
    scgi_temp_path %[1]s/scgi;
%[2]s
}
`, dir, site)
	if os.Geteuid() == 0 {
		conf = "user root;\n" + conf // the workers read the test's temporary directory
	}
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	startProxy(t, dir, port, nil, bin, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"), "-g", "daemon off;")
	return fx, origin
}

func TestCaddyForwardAuth(t *testing.T) {
	bin := testenv.Need(t, caddyEnv)
	port := freePort(t)
	origin := fmt.Sprintf("http://127.0.0.1:%d", port)
	fx := newFixture(t, &File{Users: testUsers(), Access: proxyRules()}, map[string]string{"AUTH_URL": origin + "/api/auth"})
	up := echoUpstream(t)
	dir := t.TempDir()
	site := strings.Replace(snippet(t, "Caddyfile", fx.http.Listener.Addr().String(), up.Listener.Addr().String()),
		"app.example.com {", origin+" {", 1)
	conf := "{\n\tadmin off\n\tauto_https off\n}\n\n" + site
	if err := os.WriteFile(filepath.Join(dir, "Caddyfile"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"HOME=" + dir, "XDG_DATA_HOME=" + dir, "XDG_CONFIG_HOME=" + dir}
	startProxy(t, dir, port, env, bin, "run", "--config", filepath.Join(dir, "Caddyfile"), "--adapter", "caddyfile")
	proxyFlow(t, fx, origin)
}

// proxyRules: /admin for admins, /public for everyone, the rest for any
// signed-in user.
func proxyRules() AccessFile {
	return AccessFile{Rules: []RuleFile{
		{Path: "/admin", Roles: []string{"admin"}},
		{Path: "/public", Allow: "public"},
		{Path: "/"},
	}}
}

// proxyFlow drives a browser through the proxy at origin: signed out to
// the sign-in page and back to the original URL, where the app sees the
// identity headers and not the forged ones; a denied role gets 403.
func proxyFlow(t *testing.T, fx *fixture, origin string) {
	t.Helper()
	c := browser()
	forged := map[string]string{"Remote-User": "mallory", "Remote-Groups": "admin", "Remote-Email": "mallory@evil.test"}
	get := func(path string, headers map[string]string) (*http.Response, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest("GET", origin+path, nil)
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var got map[string]any
		if strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			_ = json.Unmarshal(b, &got)
		}
		if got == nil {
			got = map[string]any{"body": string(b)}
		}
		return resp, got
	}

	// Signed out: sent to the sign-in page with the original URL.
	resp, _ := get("/private/page?x=1", forged)
	want := origin + "/api/auth/signin?callbackUrl=" + url.QueryEscape(origin+"/private/page?x=1")
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != want {
		t.Fatalf("signed out: %d %q, want 302 %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	// The sign-in page comes through the proxy.
	page, body := get(strings.TrimPrefix(resp.Header.Get("Location"), origin), nil)
	if page.StatusCode != 200 || !strings.Contains(fmt.Sprint(body["body"]), "/api/auth/callback/credentials") {
		t.Fatalf("sign-in page: %d %.300s", page.StatusCode, body["body"])
	}
	// A public path signed out: the forged headers do not reach the app.
	if resp, got := get("/public/x", forged); resp.StatusCode != 200 || got["path"] != "/public/x" || seen(got, "Remote-User") != "" || seen(got, "Remote-Groups") != "" {
		t.Fatalf("public path: %d, app saw %v", resp.StatusCode, got)
	}

	// Sign in through the proxy with the callbackUrl the redirect carried.
	var csrf struct{ CSRFToken string }
	r, err := c.Get(origin + "/api/auth/csrf")
	if err != nil {
		t.Fatal(err)
	}
	_ = jsonDecode(r, &csrf)
	form := url.Values{"email": {"editor@example.com"}, "password": {testPassword}, "csrfToken": {csrf.CSRFToken}, "callbackUrl": {origin + "/private/page?x=1"}}
	r, err = c.PostForm(origin+"/api/auth/callback/credentials", form)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusFound || r.Header.Get("Location") != origin+"/private/page?x=1" {
		t.Fatalf("sign-in: %d %q, want back to the original URL", r.StatusCode, r.Header.Get("Location"))
	}
	// Back at the original URL: the app sees who it is, not the forgery.
	resp, got := get("/private/page?x=1", forged)
	if resp.StatusCode != 200 || got["path"] != "/private/page?x=1" {
		t.Fatalf("original URL after sign-in: %d %v", resp.StatusCode, got)
	}
	for h, v := range map[string]string{"Remote-User": "editor@example.com", "Remote-Email": "editor@example.com", "Remote-Groups": "viewer,editor", "Remote-Name": "Eddie Editor"} {
		if vs, _ := got[h].([]any); len(vs) != 1 || seen(got, h) != v {
			t.Errorf("app saw %s = %v, want [%s]", h, got[h], v)
		}
	}
	// A role the rules deny: 403, and the app is not reached.
	if resp, got := get("/admin/settings", nil); resp.StatusCode != http.StatusForbidden || got["path"] != nil {
		t.Fatalf("editor on /admin: %d %v", resp.StatusCode, got)
	}
	if !strings.Contains(fx.logs.String(), "verify denied") {
		t.Error("no log line for the denied request")
	}
}

// The README shows the configurations these tests run, word for word.
func TestReadmeHasProxySnippets(t *testing.T) {
	readme, err := os.ReadFile("../../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"nginx.conf", "Caddyfile"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(readme), string(b)) {
			t.Errorf("README.md lacks testdata/%s as it is", name)
		}
	}
}

// seen is the value of header h the echo upstream saw, "" for none.
func seen(got map[string]any, h string) string {
	vs, _ := got[h].([]any)
	var out []string
	for _, v := range vs {
		out = append(out, fmt.Sprint(v))
	}
	return strings.Join(out, "|")
}

// The README's example config file loads, and its rules compile.
func TestReadmeConfigExample(t *testing.T) {
	readme, err := os.ReadFile("../../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "```yaml\n# serve.yaml\n")
	block, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("README.md has no ```yaml block starting with # serve.yaml")
	}
	f, err := LoadFile(writeFile(t, "serve.yaml", block))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := compileRules(f.Access, f.Access.Roles); err != nil || len(f.Users) != 1 || f.Identity.Signed.Header == "" {
		t.Fatalf("rules: %v; file %+v", err, f)
	}
}
