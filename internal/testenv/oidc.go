package testenv

import (
	"strings"
	"testing"
)

// oidcScript runs oauth2-mock-server (pinned in package.json) as an OIDC
// provider whose every user is john@example.com (sub john, verified email,
// name John Doe), and prints "ready <issuer>".
const oidcScript = `
import { OAuth2Server } from 'oauth2-mock-server';
const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
await server.start(0, '127.0.0.1');
server.service.on('beforeTokenSigning', (token) => {
  if ('aud' in token.payload && !('scope' in token.payload)) Object.assign(token.payload, { sub: 'john', email: 'john@example.com', email_verified: true, name: 'John Doe' });
});
server.service.on('beforeUserinfo', (resp) => { resp.body = { ...resp.body, sub: 'john', email: 'john@example.com', name: 'John Doe' }; });
console.log('ready ' + server.issuer.url);
`

// StartJohnIdP starts the real oauth2-mock-server for the test, as an
// OIDC provider whose every user is john@example.com, and returns its
// issuer URL. It stops when the test ends.
func StartJohnIdP(t testing.TB) string {
	t.Helper()
	return strings.TrimPrefix(StartNode(t, oidcScript, "ready"), "ready ")
}
