package main

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"
)

// client is one browser: a cookie jar, its own connections, and the
// address its (trusted) proxy reports for it.
type client struct {
	http *http.Client
	base string
}

func newClient(base string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{base: base, http: &http.Client{
		Jar:           jar,
		Timeout:       60 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: 4},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (c *client) do(method, path, forwardedFor string, form url.Values) (int, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return 0, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("X-Forwarded-For", forwardedFor)
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

func (c *client) csrf(forwardedFor string) (string, error) {
	req, _ := http.NewRequest("GET", c.base+"/api/auth/csrf", nil)
	req.Header.Set("X-Forwarded-For", forwardedFor)
	resp, err := c.http.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	tok, ok := strings.CutPrefix(string(b), `{"csrfToken":"`)
	if !ok || len(tok) < 64 {
		return "", fmt.Errorf("csrf: %d %s", resp.StatusCode, b)
	}
	return tok[:64], nil
}

func (c *client) signIn(email, pw, forwardedFor, csrf string) (int, error) {
	return c.do("POST", "/api/auth/callback/credentials", forwardedFor,
		url.Values{"email": {email}, "password": {pw}, "csrfToken": {csrf}})
}
