package serve

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

const yamlConfig = `
url: https://auth.example.com/api/auth
database: ./auth.db
cookies:
  domain: example.com
session:
  max_age: 12h
  cache_ttl: 1s
access:
  roles: [viewer, editor, admin]
  default: deny
  rules:
    - host: app.example.com
      path: /admin
      roles: [admin]
    - host: "*.example.com"
      allow: signed_in
trusted_proxies: [10.0.0.0/8]
identity:
  styles: [authelia]
  headers:
    X-User-Id: id
  signed:
    header: X-Authgo-Identity
    ttl: 30s
log:
  format: text
`

const tomlConfig = `
url = "https://auth.example.com/api/auth"
database = "./auth.db"
trusted_proxies = ["10.0.0.0/8"]

[cookies]
domain = "example.com"

[session]
max_age = "12h"
cache_ttl = "1s"

[access]
roles = ["viewer", "editor", "admin"]
default = "deny"

[[access.rules]]
host = "app.example.com"
path = "/admin"
roles = ["admin"]

[[access.rules]]
host = "*.example.com"
allow = "signed_in"

[identity]
styles = ["authelia"]
headers = { X-User-Id = "id" }
signed = { header = "X-Authgo-Identity", ttl = "30s" }

[log]
format = "text"
`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// The same settings read the same from YAML and TOML.
func TestLoadFileYAMLAndTOML(t *testing.T) {
	y, err := LoadFile(writeFile(t, "c.yaml", yamlConfig))
	if err != nil {
		t.Fatal(err)
	}
	tm, err := LoadFile(writeFile(t, "c.toml", tomlConfig))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(y, tm) {
		t.Fatalf("YAML and TOML differ:\n%+v\n%+v", y, tm)
	}
	if y.Session.MaxAge.D() != 12*time.Hour || y.Session.CacheTTL.D() != time.Second || len(y.Access.Rules) != 2 || y.Identity.Signed.TTL.D() != 30*time.Second {
		t.Fatalf("read %+v", y)
	}
}

func TestLoadFileErrors(t *testing.T) {
	for _, tc := range []struct{ name, content, want string }{
		{"c.yaml", "acess:\n  rules: []\n", `line 1: unknown key "acess"`},
		{"c.yaml", "access:\n  rules:\n    - hots: a.test\n", `line 3: unknown key "hots"`},
		{"c.toml", "[access]\ndefualt = \"deny\"\n", "unknown key access.defualt"},
		{"c.toml", "[[access.rules]]\nhots = \"a\"\n", "unknown key access.rules.hots"},
		{"c.yaml", "session:\n  max_age: forever\n", "not a duration"},
		{"c.toml", "[session]\nmax_age = \"1 day\"\n", "not a duration"},
		{"c.yaml", "users: 3\n", "cannot unmarshal"},
		{"c.yaml", "url: a\n---\nurl: b\n", "more than one YAML document"},
		{"c.json", "{}", `unknown format ".json"`},
		{"c.toml", "url = \n", "toml"},
	} {
		_, err := LoadFile(writeFile(t, tc.name, tc.content))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s %q: error %v, want it to contain %q", tc.name, tc.content, err, tc.want)
		}
	}
}

// Every mistake in the settings is an error that says what to change.
func TestConfigMistakes(t *testing.T) {
	env := envOf(map[string]string{"AUTH_SECRET": testSecret, "AUTH_URL": "https://auth.example.com/api/auth"})
	for _, tc := range []struct {
		name string
		f    File
		want string
	}{
		{"shadowed rule", File{Access: AccessFile{Rules: []RuleFile{{Host: "a.test"}, {Host: "a.test", Path: "/admin", Roles: []string{"admin"}}}}}, "rule 2 (a.test, path /admin) can never match: rule 1 (a.test, path /)"},
		{"wildcard shadows", File{Access: AccessFile{Rules: []RuleFile{{Host: "*.example.com"}, {Host: "app.example.com", Allow: "deny"}}}}, "can never match"},
		{"any host shadows", File{Access: AccessFile{Rules: []RuleFile{{Path: "/admin"}, {Host: "a.test", Path: "/admin/x"}}}}, "can never match"},
		{"unknown role", File{Access: AccessFile{Rules: []RuleFile{{Roles: []string{"admn"}}}}}, `role "admn" is not in access.roles`},
		{"allow and roles", File{Access: AccessFile{Rules: []RuleFile{{Allow: "public", Roles: []string{"admin"}}}}}, "set allow or roles, not both"},
		{"bad allow", File{Access: AccessFile{Rules: []RuleFile{{Allow: "everyone"}}}}, `allow "everyone"`},
		{"bad path", File{Access: AccessFile{Rules: []RuleFile{{Path: "admin"}}}}, "not a plain path prefix"},
		{"escaped path", File{Access: AccessFile{Rules: []RuleFile{{Path: "/a%2Fb"}}}}, "not a plain path prefix"},
		{"dot path", File{Access: AccessFile{Rules: []RuleFile{{Path: "/a/../b"}}}}, "dot segment"},
		{"url as host", File{Access: AccessFile{Rules: []RuleFile{{Host: "https://a.test"}}}}, "write the host name alone"},
		{"bad host", File{Access: AccessFile{Rules: []RuleFile{{Host: "a*.test"}}}}, "not a host name"},
		{"bad default", File{Access: AccessFile{Default: "allow"}}, `access.default "allow"`},
		{"bad proxy", File{TrustedProxies: []string{"10.0.0.0/33"}}, "trusted_proxies"},
		{"bad database", File{Database: "mongodb://x/y"}, "use a SQLite file path, a postgres:// or a mysql:// URL"},
		{"bad redis", File{Redis: "http://x"}, "redis"},
		{"database strategy without database", File{Session: SessionFile{Strategy: "database"}}, "no database"},
		{"bad strategy", File{Session: SessionFile{Strategy: "cookie"}}, `session.strategy "cookie"`},
		{"user role", File{Users: []UserFile{{Email: "a@example.com", Role: "root"}}}, `role "root" is not in access.roles`},
		{"user email", File{Users: []UserFile{{Email: "not-an-email"}}}, "is not an email address"},
		{"user twice", File{Users: []UserFile{{Email: "a@example.com"}, {Email: "A@example.com"}}}, "listed twice"},
		{"bad hash", File{Users: []UserFile{{Email: "a@example.com", PasswordHash: "secret"}}}, "password_hash is not an argon2id or bcrypt hash"},
		{"identity style", File{Identity: IdentityFile{Styles: []string{"pomerium"}}}, `"pomerium" is unknown`},
		{"identity field", File{Identity: IdentityFile{Headers: map[string]string{"X-A": "password"}}}, `"password" is unknown`},
		{"identity header name", File{Identity: IdentityFile{Headers: map[string]string{"X A": "id"}}}, "not a header name"},
		{"signed ttl", File{Identity: IdentityFile{Signed: SignedFile{Header: "X-Id", TTL: Duration(2 * time.Hour)}}}, "identity.signed.ttl"},
		{"signed key file", File{Identity: IdentityFile{Signed: SignedFile{Header: "X-Id", KeyFile: "/nonexistent.pem"}}}, "identity.signed.key_file"},
		{"email half", File{Email: EmailFile{SMTP: "smtp://localhost:25"}}, "set both smtp"},
		{"second factor without database", File{SecondFactor: SecondFactorFile{Enabled: true}}, "second factors are stored in the database"},
		{"second factor role", File{Database: "./x.db", SecondFactor: SecondFactorFile{Enabled: true, RequiredRoles: []string{"root"}}}, `"root" is not in access.roles`},
		{"second factor off but required", File{SecondFactor: SecondFactorFile{RequiredForAll: true}}, "without enabled: true"},
		{"passkeys without database", File{Passkeys: PasskeysFile{Enabled: true}}, "passkeys are stored in the database"},
		{"log level", File{Log: LogFile{Level: "loud"}}, "log.level"},
		{"pages", File{Pages: PagesFile{SignIn: "login"}}, "Pages.SignIn"},
	} {
		f := tc.f
		_, err := New(context.Background(), &f, env, &bytes.Buffer{}, true)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

func TestMySQLDSN(t *testing.T) {
	for in, want := range map[string]string{
		"mysql://root@127.0.0.1:3306/test":              "root@tcp(127.0.0.1:3306)/test",
		"mysql://u:p%40ss@db/app?tls=true":              "u:p@ss@tcp(db:3306)/app?tls=true",
		"mysql://db.internal:3307/auth?parseTime=false": "tcp(db.internal:3307)/auth?parseTime=false",
	} {
		if got, err := mysqlDSN(in); err != nil || got != want {
			t.Errorf("mysqlDSN(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"mysql://host", "mysql:///db", "mysql://host/a/b"} {
		if _, err := mysqlDSN(bad); err == nil {
			t.Errorf("mysqlDSN(%q) accepted", bad)
		}
	}
}

// --check validates without connecting and prints what would run, no
// secret or password included; a bad config exits 2 with the reason.
func TestRunCheck(t *testing.T) {
	path := writeFile(t, "c.yaml", "access:\n  rules:\n    - host: app.example.com\n      path: /admin\n      roles: [admin]\npasskeys:\n  enabled: true\nsecond_factor:\n  enabled: true\n  required_roles: [admin]\nemail:\n  smtp: smtp://127.0.0.1:2525\n  from: Auth <no-reply@example.com>\n")
	env := envOf(map[string]string{"AUTH_SECRET": testSecret, "AUTH_URL": "https://auth.example.com/api/auth",
		"AUTH_GITHUB_ID": "gh-id", "AUTH_GITHUB_SECRET": "gh-secret",
		"AUTHGO_DATABASE_URL": "postgres://app:hunter2hunter2@127.0.0.1:1/nowhere", "AUTHGO_REDIS_URL": "redis://:sekrit@127.0.0.1:1/0"})
	var out, errb bytes.Buffer
	if code := Run(context.Background(), []string{"--check", "--config", path}, nil, &out, &errb, env); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, want := range []string{"configuration is valid", "database    postgres", "from AUTHGO_DATABASE_URL", "redis", "rule 1 (app.example.com, path /admin)", "roles admin", "the default (deny)", "Remote-User", "providers   github (oauth), passkey (webauthn), email (email)", "2nd factor  authenticator app (TOTP), backup codes, trusted devices; required for admin"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--check output lacks %q:\n%s", want, out.String())
		}
	}
	for _, secret := range []string{"hunter2hunter2", "sekrit", testSecret, "gh-secret"} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("--check printed a secret %q", secret)
		}
	}
	bad := writeFile(t, "bad.toml", "[access]\nrulez = []\n")
	out.Reset()
	errb.Reset()
	if code := Run(context.Background(), []string{"--check", "--config", bad}, nil, &out, &errb, env); code != 2 || !strings.Contains(errb.String(), "unknown key access.rulez") {
		t.Fatalf("bad config: exit %d, %q", code, errb.String())
	}
}

func TestRunHashPassword(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Run(context.Background(), []string{"--hash-password"}, strings.NewReader("correct horse battery\n"), &out, &errb, nil); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if _, err := newUsers([]UserFile{{Email: "a@example.com", PasswordHash: strings.TrimSpace(out.String())}}, []string{"viewer"}); err != nil {
		t.Fatalf("printed hash not accepted: %v", err)
	}
}
