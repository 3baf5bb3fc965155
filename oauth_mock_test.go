package authgo_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/authgo/authgo/internal/testenv"
)

// mockIdPScript runs oauth2-mock-server (pinned in internal/testenv) as the
// identity provider of the OAuth tests, plus a small control server through
// which a test shapes the next responses with the mock server's own hooks:
//
//	POST /next     {"authorize": {...}, "idToken": {...}, "response": {...},
//	                "userinfo": {...}}  — one-shot changes, see below
//	POST /profile  {...}                — claims put into every ID token and
//	                                      user info response
//	GET  /last                          — the last token response body
//	GET  /requests                      — the token requests seen (grant,
//	                                      auth style)
//
// authorize: query parameters set on the redirect back (null deletes).
// idToken: claims set on the next ID token before signing (null deletes;
// {"rel": n} means now + n seconds).
// response: {"statusCode", "body"} replace the next token response;
// {"idTokenAlgNone": true} re-encodes its ID token with alg none;
// {"idTokenTamper": true} changes its payload, keeping the signature;
// {"idToken": "<jwt>"} replaces it.
// userinfo: {"statusCode", "body"} replace the next user info response.
const mockIdPScript = `
import { OAuth2Server } from 'oauth2-mock-server';
import http from 'node:http';

const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
await server.start(0, '127.0.0.1');

let next = {};
let profile = { email: 'john@example.com', email_verified: true, name: 'John Doe', picture: 'https://example.com/john.png' };
let last = null;
const requests = [];

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
const apply = (dst, changes) => {
  const now = Math.floor(Date.now() / 1000);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete dst[k];
    else if (typeof v === 'object' && v !== null && 'rel' in v) dst[k] = now + v.rel;
    else dst[k] = v;
  }
};

server.service.on('beforeAuthorizeRedirect', (r) => {
  const s = next.authorize; if (!s) return; delete next.authorize;
  for (const [k, v] of Object.entries(s)) {
    if (v === null) r.url.searchParams.delete(k); else r.url.searchParams.set(k, v);
  }
});
server.service.on('beforeTokenSigning', (token) => {
  const p = token.payload;
  if (!('aud' in p) || 'scope' in p) return; // access tokens carry a scope
  Object.assign(p, profile);
  if (next.idToken) { apply(p, next.idToken); delete next.idToken; }
});
server.service.on('beforeResponse', (resp, req) => {
  requests.push({ grant: req.body.grant_type, basic: !!req.headers.authorization, secretInBody: 'client_secret' in req.body, clientId: req.body.client_id || null });
  const s = next.response; delete next.response;
  if (s) {
    if (s.statusCode) resp.statusCode = s.statusCode;
    if (s.body !== undefined) resp.body = s.body;
    const idt = resp.body && resp.body.id_token;
    if (s.idTokenAlgNone && idt) {
      const [, payload] = idt.split('.');
      resp.body.id_token = b64({ alg: 'none', typ: 'JWT' }) + '.' + payload + '.';
    }
    if (s.idTokenTamper && idt) {
      const [h, payload, sig] = idt.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
      claims.email = 'mallory@example.com';
      resp.body.id_token = h + '.' + b64(claims) + '.' + sig;
    }
    if (s.idToken) resp.body.id_token = s.idToken;
  }
  last = resp.body;
});
server.service.on('beforeUserinfo', (resp) => {
  resp.body = { ...resp.body, ...profile };
  const s = next.userinfo; if (!s) return; delete next.userinfo;
  if (s.statusCode) resp.statusCode = s.statusCode;
  if (s.body !== undefined) resp.body = s.body;
});

const control = http.createServer((req, res) => {
  let data = '';
  req.on('data', (c) => { data += c; });
  req.on('end', () => {
    if (req.method === 'POST' && req.url === '/next') next = JSON.parse(data);
    else if (req.method === 'POST' && req.url === '/profile') profile = JSON.parse(data);
    else if (req.url === '/last') { res.end(JSON.stringify(last)); return; }
    else if (req.url === '/requests') { res.end(JSON.stringify(requests)); return; }
    else { res.statusCode = 404; }
    res.end('{}');
  });
});
control.listen(0, '127.0.0.1', () => {
  console.log('ready ' + server.issuer.url + ' http://127.0.0.1:' + control.address().port);
});
`

// mockIdP is a running oauth2-mock-server.
type mockIdP struct {
	t       *testing.T
	issuer  string
	control string
}

// startMockIdP starts oauth2-mock-server@8.2.3 for the test.
func startMockIdP(t *testing.T) *mockIdP {
	t.Helper()
	line := testenv.StartNode(t, mockIdPScript, "ready")
	f := strings.Fields(line)
	if len(f) != 3 {
		t.Fatalf("mock IdP said %q", line)
	}
	return &mockIdP{t: t, issuer: f[1], control: f[2]}
}

func (m *mockIdP) post(path string, v any) {
	m.t.Helper()
	b, _ := json.Marshal(v)
	resp, err := http.Post(m.control+path, "application/json", bytes.NewReader(b))
	if err != nil {
		m.t.Fatal(err)
	}
	resp.Body.Close()
}

// next shapes the next responses of the mock server (see mockIdPScript).
func (m *mockIdP) next(v map[string]any) { m.post("/next", v) }

// profile sets the claims of every later ID token and user info response.
func (m *mockIdP) profile(v map[string]any) { m.post("/profile", v) }

func (m *mockIdP) get(path string, v any) {
	m.t.Helper()
	resp, err := http.Get(m.control + path)
	if err != nil {
		m.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, v); err != nil {
		m.t.Fatalf("%s: %q: %v", path, b, err)
	}
}

// lastTokenResponse returns the body of the last token response.
func (m *mockIdP) lastTokenResponse() map[string]any {
	var v map[string]any
	m.get("/last", &v)
	return v
}

type tokenRequest struct {
	Grant        string  `json:"grant"`
	Basic        bool    `json:"basic"`
	SecretInBody bool    `json:"secretInBody"`
	ClientID     *string `json:"clientId"`
}

func (m *mockIdP) tokenRequests() []tokenRequest {
	var v []tokenRequest
	m.get("/requests", &v)
	return v
}
