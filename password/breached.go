package password

import (
	"bufio"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Breached tells whether a password is known from a data breach. It is
// called with the Normalized password, before it is hashed.
type Breached interface {
	// Breached reports whether password is known from a breach. An error
	// means the answer is unknown.
	Breached(ctx context.Context, password string) (bool, error)
}

// BreachedFunc adapts a function to Breached.
type BreachedFunc func(ctx context.Context, password string) (bool, error)

// Breached calls f.
func (f BreachedFunc) Breached(ctx context.Context, password string) (bool, error) {
	return f(ctx, password)
}

// DefaultPwnedPasswordsURL is the base URL of Have I Been Pwned's
// Pwned Passwords range API.
const DefaultPwnedPasswordsURL = "https://api.pwnedpasswords.com"

// PwnedPasswords is a Breached client of the Pwned Passwords range API,
// k-anonymity style: only the first 5 hex digits of the password's SHA-1
// leave the process (GET <BaseURL>/range/<prefix>, with "Add-Padding:
// true" so the response size does not tell the prefix either); the
// suffixes that come back are compared here. The zero value asks
// api.pwnedpasswords.com with a 5-second timeout. password/pwnedtest
// serves the same API for tests.
type PwnedPasswords struct {
	// BaseURL is the API's base, without a trailing slash. Default
	// DefaultPwnedPasswordsURL.
	BaseURL string
	// Client makes the requests. Default: a client with a 5 s timeout.
	Client *http.Client
	// MinCount is how many times a password must have been seen in
	// breaches to count. Default 1.
	MinCount int
	// UserAgent is sent with every request (the API asks for one).
	// Default "authgo".
	UserAgent string
}

var defaultPwnedClient = &http.Client{Timeout: 5 * time.Second}

// maxRangeBytes bounds a range response (real ones are ~30 KB padded).
const maxRangeBytes = 4 << 20

// Breached asks the range API about password.
func (p PwnedPasswords) Breached(ctx context.Context, password string) (bool, error) {
	sum := sha1.Sum([]byte(password))
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	base := p.BaseURL
	if base == "" {
		base = DefaultPwnedPasswordsURL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(base, "/")+"/range/"+h[:5], nil)
	if err != nil {
		return false, fmt.Errorf("password: pwned passwords: %w", err)
	}
	req.Header.Set("Add-Padding", "true")
	ua := p.UserAgent
	if ua == "" {
		ua = "authgo"
	}
	req.Header.Set("User-Agent", ua)
	c := p.Client
	if c == nil {
		c = defaultPwnedClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return false, fmt.Errorf("password: pwned passwords: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, fmt.Errorf("password: pwned passwords: status %d", resp.StatusCode)
	}
	n, err := RangeCount(io.LimitReader(resp.Body, maxRangeBytes), h[5:])
	if err != nil {
		return false, fmt.Errorf("password: pwned passwords: %w", err)
	}
	return n >= max(p.MinCount, 1), nil
}

// errBadRange is RangeCount's error for a body that is not a range
// response.
var errBadRange = errors.New("malformed range response")

// RangeCount reads a Pwned Passwords range response — lines of
// "<35 hex digits>:<count>", CRLF or LF — and returns the count of suffix
// (35 upper-case hex digits), 0 when absent. Padding lines (count 0) count
// 0. A line of another shape is an error: the answer is then unknown.
func RangeCount(r io.Reader, suffix string) (int, error) {
	s := bufio.NewScanner(r)
	found := 0
	for s.Scan() {
		line := strings.TrimRight(s.Text(), "\r")
		if line == "" {
			continue
		}
		hash, count, ok := strings.Cut(line, ":")
		if !ok || len(hash) != 35 || !isHex(hash) {
			return 0, errBadRange
		}
		n, err := strconv.Atoi(count)
		if err != nil || n < 0 {
			return 0, errBadRange
		}
		if strings.EqualFold(hash, suffix) {
			found = n
		}
	}
	if err := s.Err(); err != nil {
		return 0, fmt.Errorf("%w: %w", errBadRange, err)
	}
	return found, nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// BreachedList is an offline Breached: a set of SHA-1 hashes of breached
// passwords, kept in memory (20 bytes each). Make one with
// NewBreachedList or ReadBreachedList.
type BreachedList struct{ set map[[sha1.Size]byte]struct{} }

// NewBreachedList returns a list of the given passwords (Normalized here).
func NewBreachedList(passwords ...string) *BreachedList {
	l := &BreachedList{set: make(map[[sha1.Size]byte]struct{}, len(passwords))}
	for _, pw := range passwords {
		l.set[sha1.Sum([]byte(Normalize(pw)))] = struct{}{}
	}
	return l
}

// ReadBreachedList reads a list from r, one entry a line: either a SHA-1 in
// hex, optionally followed by ":count" (the format of Have I Been Pwned's
// downloadable lists), or a password in plain text (any other line, e.g.
// a "top 10 000" list). Empty lines and lines starting with '#' are
// skipped.
func ReadBreachedList(r io.Reader) (*BreachedList, error) {
	l := &BreachedList{set: map[[sha1.Size]byte]struct{}{}}
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 0, 4096), MaxLength+64)
	for s.Scan() {
		line := strings.TrimRight(s.Text(), "\r")
		if line == "" || line[0] == '#' {
			continue
		}
		hash, _, _ := strings.Cut(line, ":")
		if len(hash) == 2*sha1.Size && isHex(hash) {
			var k [sha1.Size]byte
			_, _ = hex.Decode(k[:], []byte(hash))
			l.set[k] = struct{}{}
			continue
		}
		l.set[sha1.Sum([]byte(Normalize(line)))] = struct{}{}
	}
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("password: read breached list: %w", err)
	}
	return l, nil
}

// Len returns the number of entries.
func (l *BreachedList) Len() int { return len(l.set) }

// Breached reports whether password is on the list.
func (l *BreachedList) Breached(_ context.Context, password string) (bool, error) {
	_, ok := l.set[sha1.Sum([]byte(password))]
	return ok, nil
}
