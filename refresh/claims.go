package refresh

import (
	"encoding/json"
	"strconv"

	"github.com/authgo/authgo"
)

// setTokenClaims writes the tokens of a into t's claims: access_token,
// refresh_token and expires_at, and id_token when idToken is set. An empty
// token or a zero expiry removes its claim.
func setTokenClaims(t *authgo.Token, a authgo.Account, idToken bool) {
	setClaim(t, ClaimAccessToken, a.AccessToken)
	setClaim(t, ClaimRefreshToken, a.RefreshToken)
	if a.ExpiresAt != 0 {
		t.Extra[ClaimExpiresAt] = a.ExpiresAt
	} else {
		delete(t.Extra, ClaimExpiresAt)
	}
	if idToken {
		setClaim(t, ClaimIDToken, a.IDToken)
	}
}

func setClaim(t *authgo.Token, k, v string) {
	if v == "" {
		delete(t.Extra, k)
		return
	}
	t.Extra[k] = v
}

// int64Claim reads a numeric claim as decoded from JSON.
func int64Claim(v any) int64 {
	switch x := v.(type) {
	case float64:
		return int64(x)
	case int64:
		return x
	case int:
		return int64(x)
	case json.Number:
		n, _ := x.Int64()
		return n
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return 0
}
