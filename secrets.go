package authgo

import (
	"os"
	"strings"
)

// normalizeSecrets reads the secrets from the environment when Secret is
// empty (a random one in Development) and checks their lengths.
func (c *Config) normalizeSecrets() error {
	if len(c.Secret) == 0 {
		c.Secret = SecretsFromEnv(c.LookupEnv)
	}
	if len(c.Secret) == 0 {
		if !c.Development {
			return configErr("no secret: set Config.Secret or the AUTH_SECRET environment variable to 32 or more random bytes (run `authgo secret` to make one)")
		}
		c.Secret = []string{randomToken()}
		c.Logger.Warn("authgo: development mode without a secret; using a random one, so sessions end when the process does")
	}
	for i, s := range c.Secret {
		if s == "" {
			return configErr("secret %d is empty: remove it or set it", i+1)
		}
		if len(s) < minSecretLen && !c.AllowShortSecret {
			return configErr("secret %d is %d bytes; use at least %d random bytes (run `authgo secret`), or set Config.AllowShortSecret to share an existing app's shorter secret", i+1, len(s), minSecretLen)
		}
	}
	return nil
}

// SecretsFromEnv returns the secrets that lookup (os.LookupEnv, or
// Config.LookupEnv) gives, in Auth.js's order: AUTH_SECRET_3, _2, _1, then
// AUTH_SECRET split at commas, or NEXTAUTH_SECRET when AUTH_SECRET is
// unset. The first encrypts; all decrypt. New reads them this way when
// Config.Secret is empty; a nil lookup is os.LookupEnv.
func SecretsFromEnv(lookup func(string) (string, bool)) []string {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	env := func(k string) string { v, _ := lookup(k); return strings.TrimSpace(v) }
	var out []string
	for _, k := range []string{"AUTH_SECRET_3", "AUTH_SECRET_2", "AUTH_SECRET_1"} {
		if v := env(k); v != "" {
			out = append(out, v)
		}
	}
	main := env("AUTH_SECRET")
	if main == "" {
		main = env("NEXTAUTH_SECRET")
	}
	for s := range strings.SplitSeq(main, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
