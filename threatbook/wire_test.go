package threatbook

import (
	"bytes"
	"strconv"
	"testing"
)

// TestFlexIntMatchesParseFloat checks that the allocation-free fast path of
// flexInt gives what the ParseFloat path gives.
func TestFlexIntMatchesParseFloat(t *testing.T) {
	for _, in := range []string{`0`, `4`, `-3`, `64500`, `"64500"`, `"-0"`, `007`, `999999999999999`,
		`1234567890123456`, `""`, `"`, `-`, `1.9`, `-2.5`, `1e3`, `"x"`, `null`, `true`, `{}`, `"+5"`, `""12""`} {
		var got flexInt
		if err := got.UnmarshalJSON([]byte(in)); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		var want flexInt
		if v, err := strconv.ParseFloat(string(bytes.Trim([]byte(in), `"`)), 64); err == nil {
			want = flexInt(v)
		}
		if got != want {
			t.Errorf("%s: got %d, want %d", in, got, want)
		}
	}
}
