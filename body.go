package authgo

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
)

// MaxBodyBytes is the largest request body the auth endpoints read: 64 KiB.
// Sign-in forms and session updates are far smaller. A POST with a larger
// body is answered 413 Request Entity Too Large (JSON
// {"error":"RequestTooLarge","maxBytes":65536} for API clients, plain text
// for browsers) without reading more of it than the limit.
const MaxBodyBytes = 64 << 10

// body is a parsed POST body: form-urlencoded or JSON. Values holds every
// member that is a string (or a number or boolean, formatted); raw holds
// every JSON member as sent, for members that carry objects (the data of a
// session update).
type body struct {
	values map[string]string
	raw    map[string]json.RawMessage
}

func (b *body) get(k string) string {
	if b == nil {
		return ""
	}
	return b.values[k]
}

// errUnsupportedBody is returned for a body that is neither JSON nor a form.
var errUnsupportedBody = errors.New("body must be application/json or application/x-www-form-urlencoded")

// errBodyTooLarge is returned for a body of more than MaxBodyBytes.
var errBodyTooLarge = fmt.Errorf("body larger than %d bytes", MaxBodyBytes)

// parseBody reads r's body as Auth.js's getBody does: JSON or a
// form-urlencoded form, at most MaxBodyBytes (errBodyTooLarge past it, as
// soon as Content-Length says so). An empty body is an empty form.
func parseBody(w http.ResponseWriter, r *http.Request) (*body, error) {
	b := &body{values: map[string]string{}}
	if r.Body == nil || r.Body == http.NoBody {
		return b, nil
	}
	if r.ContentLength > MaxBodyBytes {
		return nil, errBodyTooLarge
	}
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if ct != "" && err != nil {
		return nil, errUnsupportedBody
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, errBodyTooLarge
		}
		return nil, err
	}
	if len(data) == 0 {
		return b, nil
	}
	switch mt {
	case "application/json":
		if err := json.Unmarshal(data, &b.raw); err != nil {
			return nil, errors.New("body is not a JSON object")
		}
		for k, v := range b.raw {
			var s string
			if json.Unmarshal(v, &s) == nil {
				b.values[k] = s
				continue
			}
			var n json.Number
			if json.Unmarshal(v, &n) == nil {
				b.values[k] = n.String()
				continue
			}
			var t bool
			if json.Unmarshal(v, &t) == nil {
				b.values[k] = strconv.FormatBool(t)
			}
		}
	case "application/x-www-form-urlencoded", "":
		q, err := url.ParseQuery(string(data))
		if err != nil {
			return nil, errors.New("body is not a valid form")
		}
		for k, v := range q {
			if len(v) > 0 {
				b.values[k] = v[0]
			}
		}
	default:
		return nil, errUnsupportedBody
	}
	return b, nil
}

// bodyTooLarge answers a POST whose body is over MaxBodyBytes: 413, as JSON
// for API clients, as plain text for browsers. It is the client's mistake,
// not the server's configuration, so no error redirect.
func bodyTooLarge(w http.ResponseWriter, r *http.Request) {
	if wantsJSON(r) {
		writeJSON(w, http.StatusRequestEntityTooLarge, map[string]any{"error": "RequestTooLarge", "maxBytes": MaxBodyBytes})
		return
	}
	http.Error(w, fmt.Sprintf("Request body too large: the limit is %d bytes.", MaxBodyBytes), http.StatusRequestEntityTooLarge)
}
