package sql

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// authjsColumns lists the column names of Auth.js's tables that
// Schema.Columns may map, in the order messages name them.
var authjsColumns = []string{
	"id", "name", "email", "emailVerified", "image",
	"userId", "type", "provider", "providerAccountId", "refresh_token", "access_token",
	"expires_at", "token_type", "scope", "id_token", "session_state",
	"sessionToken", "expires", "identifier", "token",
	"credentialID", "credentialPublicKey", "counter", "credentialDeviceType",
	"credentialBackedUp", "transports", "updatedAt",
}

// column returns the host's name of an Auth.js column: Columns' entry, or
// the name itself.
func (s Schema) column(name string) string {
	if n, ok := s.Columns[name]; ok {
		return n
	}
	return name
}

// validateColumns checks Columns: keys are Auth.js column names, values
// identifiers, no two columns mapped to one name.
func (s Schema) validateColumns() error {
	if len(s.Columns) == 0 {
		return nil
	}
	if s.own() {
		return fmt.Errorf("adapter/sql: Schema %q is authgo's own and takes no Columns; give your mapping another Name", s.name())
	}
	keys := make([]string, 0, len(s.Columns))
	for k := range s.Columns {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	to := map[string]string{}
	for _, k := range keys {
		v := s.Columns[k]
		if !slices.Contains(authjsColumns, k) {
			return fmt.Errorf("adapter/sql: Schema %q: Columns maps %q, which is no Auth.js column (the keys are Auth.js's names, such as userId or sessionToken)", s.name(), k)
		}
		if !identifier.MatchString(v) {
			return fmt.Errorf("adapter/sql: Schema %q: Columns maps %s to %q; a column name must be 1 to 48 ASCII letters, digits or underscores, not starting with a digit", s.name(), k, v)
		}
		if prev, dup := to[v]; dup {
			return fmt.Errorf("adapter/sql: Schema %q: Columns maps both %s and %s to %s", s.name(), prev, k, v)
		}
		to[v] = k
	}
	return nil
}

// names turns the {table} placeholders of a statement into the dialect's
// quoted table names and, on a Schema with Columns, the Auth.js column
// names that refer to a host table into the host's. prepare calls Replace
// with the statement's identifiers already in the dialect's quotes.
type names struct {
	tables *strings.Replacer
	cols   map[string]string
	host   map[string]bool // placeholders of the host's tables
	all    map[string]bool // placeholders of every table (not index names)
	quote  byte
}

func newNames(tables *strings.Replacer, s Schema, d Dialect) names {
	n := names{tables: tables, cols: s.Columns, host: map[string]bool{}, all: map[string]bool{}, quote: '"'}
	if d == MySQL {
		n.quote = '`'
	}
	for _, h := range s.hostTables() {
		n.host[h] = true
	}
	for _, t := range []string{"{users}", "{accounts}", "{sessions}", "{verification_token}", "{authenticators}",
		"{revocations}", "{revoked_sessions}", "{passwords}", "{second_factors}", "{versions}", "{user_data}", "{session_data}"} {
		n.all[t] = true
	}
	return n
}

// Replace maps the columns, then the tables.
func (n names) Replace(q string) string {
	if len(n.cols) > 0 {
		q = n.mapColumns(q)
	}
	return n.tables.Replace(q)
}

// token is one lexical piece of a statement: an identifier (quoted or
// not; text without its quotes), a {placeholder}, or any other run.
type token struct {
	text   string
	ident  bool
	quoted bool
}

// lex cuts a statement into tokens. authgo's statements hold no string
// literals with quotes or identifiers in them, so this small lexer is all
// they need (no SQL parser is needed for statements authgo itself writes).
func lex(q string, quote byte) []token {
	var out []token
	isWord := func(c byte) bool {
		return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
	}
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == quote:
			j := strings.IndexByte(q[i+1:], quote)
			if j < 0 {
				return append(out, token{text: q[i:]})
			}
			out = append(out, token{text: q[i+1 : i+1+j], ident: true, quoted: true})
			i += j + 2
		case c == '{':
			j := strings.IndexByte(q[i:], '}')
			if j < 0 {
				return append(out, token{text: q[i:]})
			}
			out = append(out, token{text: q[i : i+j+1]})
			i += j + 1
		case isWord(c) && !(c >= '0' && c <= '9'):
			j := i
			for j < len(q) && isWord(q[j]) {
				j++
			}
			out = append(out, token{text: q[i:j], ident: true})
			i = j
		default:
			out = append(out, token{text: q[i : i+1]})
			i++
		}
	}
	return out
}

// mapColumns renames the host tables' Auth.js columns in q. A column
// qualified by an alias or a {table} belongs to that table; an
// unqualified one to the statement's first table.
func (n names) mapColumns(q string) string {
	toks := lex(q, n.quote)
	alias := map[string]string{}
	main := ""
	for i, t := range toks {
		if !n.all[t.text] {
			continue
		}
		if main == "" {
			main = t.text
		}
		// "{users} u": a lower-case bare word after a table is its alias.
		if i+2 < len(toks) && toks[i+1].text == " " && toks[i+2].ident && !toks[i+2].quoted &&
			strings.ToLower(toks[i+2].text) == toks[i+2].text {
			alias[toks[i+2].text] = t.text
		}
	}
	var b strings.Builder
	for i, t := range toks {
		if !t.ident {
			b.WriteString(t.text)
			continue
		}
		table := main
		qualified := i >= 2 && toks[i-1].text == "."
		if qualified {
			table = toks[i-2].text
			if a, ok := alias[table]; ok {
				table = a
			}
		}
		isQualifier := i+1 < len(toks) && toks[i+1].text == "."
		to, mapped := n.cols[t.text]
		_, isAlias := alias[t.text]
		if mapped && n.host[table] && !isQualifier && !(isAlias && !qualified) {
			b.WriteByte(n.quote)
			b.WriteString(to)
			b.WriteByte(n.quote)
			continue
		}
		if t.quoted {
			b.WriteByte(n.quote)
			b.WriteString(t.text)
			b.WriteByte(n.quote)
			continue
		}
		b.WriteString(t.text)
	}
	return b.String()
}
