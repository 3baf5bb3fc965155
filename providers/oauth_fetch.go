package providers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/authgo/authgo/internal/oauth"
)

// JSON requests to a provider's userinfo and API endpoints.

// userinfo GETs the user info endpoint with the access token and decodes
// the JSON object it answers.
func (o *OAuth) userinfo(ctx context.Context, endpoint string, ts TokenSet) (map[string]any, error) {
	if endpoint == "" {
		return nil, o.fail(oauth.StepUserinfo, "", errors.New("no user info endpoint"))
	}
	m, err := GetJSON(ctx, o.client, endpoint, ts.AccessToken)
	if err != nil {
		return nil, o.fail(oauth.StepUserinfo, "", err)
	}
	return m, nil
}

// GetJSON GETs url with a Bearer access token and decodes the JSON object
// it answers, at most 1 MiB, numbers kept exact (json.Number). A status
// other than 200 is an error that names the status only. Presets use it to
// fetch profiles.
func GetJSON(ctx context.Context, client *http.Client, url, accessToken string) (map[string]any, error) {
	var m map[string]any
	if err := getJSONInto(ctx, client, url, accessToken, &m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, errors.New("the response is not a JSON object")
	}
	return m, nil
}

func getJSONInto(ctx context.Context, client *http.Client, url, accessToken string, dst any) error {
	return fetchJSON(ctx, client, http.MethodGet, url, accessToken, nil, dst)
}

// fetchJSON sends a request without a body and decodes the JSON answer
// into dst, as GetJSON does.
func fetchJSON(ctx context.Context, client *http.Client, method, url, accessToken string, header http.Header, dst any) error {
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "authgo")
	if accessToken != "" {
		req.Header.Set("Authorization", "Bearer "+accessToken)
	}
	resp, err := client.Do(req)
	if err != nil {
		if isTimeout(err) || errors.Is(err, context.DeadlineExceeded) {
			return errors.New("the request timed out")
		}
		return fmt.Errorf("request failed: %w", errors.Unwrap(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the endpoint answered %d", resp.StatusCode)
	}
	dec := json.NewDecoder(io.LimitReader(resp.Body, maxResponseBytes))
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		return fmt.Errorf("the response is not valid JSON: %v", jsonErrKind(err))
	}
	return nil
}

// jsonErrKind describes a JSON error without quoting the input.
func jsonErrKind(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("syntax error at offset %d", se.Offset)
	case errors.As(err, &te):
		return "unexpected type " + te.Value
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "truncated"
	}
	return "malformed"
}
