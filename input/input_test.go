package input

import (
	"strings"
	"testing"
)

func TestWithDefaults(t *testing.T) {
	if got := (Rules{}).WithDefaults(); got != (Rules{MinPasswordLen: 8, MaxPasswordLen: 1024}) {
		t.Errorf("zero rules: %+v", got)
	}
	set := Rules{MinPasswordLen: -1, MaxPasswordLen: 64, Email: EmailAsIs}
	if got := set.WithDefaults(); got != set {
		t.Errorf("set rules changed: %+v", got)
	}
}

func TestValidate(t *testing.T) {
	for _, ok := range []Rules{{}, {MinPasswordLen: -1, Email: EmailAsIs}, {MinPasswordLen: 12, MaxPasswordLen: 12, Email: EmailChecked}} {
		if err := ok.Validate(); err != nil {
			t.Errorf("%+v: %v", ok, err)
		}
	}
	for r, want := range map[Rules]string{
		{MaxPasswordLen: 1025}:                   "MaxPasswordLen is 1025",
		{MaxPasswordLen: -1}:                     "MaxPasswordLen is -1",
		{MinPasswordLen: 20, MaxPasswordLen: 16}: "MinPasswordLen 20 is above MaxPasswordLen 16",
		{MinPasswordLen: 2000}:                   "MinPasswordLen 2000 is above MaxPasswordLen 1024",
		{Email: -1}:                              "Email is -1",
		{Email: EmailAsIs + 1}:                   "Email is 3",
	} {
		if err := r.Validate(); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%+v: %v, want %q…", r, err, want)
		}
	}
}
