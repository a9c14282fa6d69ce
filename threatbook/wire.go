package threatbook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// envelope is the body of every v3 answer: a status and a map of results
// keyed by the IP string. T is repIP or queryIP.
type envelope[T any] struct {
	RawCode json.RawMessage `json:"response_code"`
	Msg     string          `json:"verbose_msg"`
	Data    map[string]T    `json:"data"`

	code int // RawCode, checked to be an integer
}

// repIP is one entry of an ip_reputation answer (api.md §1.2). Every field
// is optional; unknown fields are ignored.
type repIP struct {
	IsMalicious bool       `json:"is_malicious"`
	Severity    string     `json:"severity"`
	Confidence  string     `json:"confidence_level"`
	Judgments   []string   `json:"judgments"`
	TagsClasses []tagClass `json:"tags_classes"`
	Basic       basic      `json:"basic"`
	ASN         asn        `json:"asn"`
	Scene       string     `json:"scene"`
	UpdateTime  string     `json:"update_time"`
	Permalink   string     `json:"permalink"`
}

// queryIP is one entry of an ip/query answer (api.md §2.2).
type queryIP struct {
	Judgments     []string                 `json:"judgments"`
	TagsClasses   []tagClass               `json:"tags_classes"`
	Intelligences map[string][]intelRecord `json:"intelligences"`
	Basic         basic                    `json:"basic"`
	ASN           asn                      `json:"asn"`
	Scene         string                   `json:"scene"`
	UpdateTime    string                   `json:"update_time"`
	Permalink     string                   `json:"permalink"`
}

// intelRecord is one intelligence of an ip/query answer.
type intelRecord struct {
	Source     string     `json:"source"`
	Confidence flexInt    `json:"confidence"`
	Expired    bool       `json:"expired"`
	IntelTypes []string   `json:"intel_types"`
	IntelTags  []tagClass `json:"intel_tags"`
	FindTime   string     `json:"find_time"`
	UpdateTime string     `json:"update_time"`
}

type tagClass struct {
	Tags     []string `json:"tags"`
	TagsType string   `json:"tags_type"`
}

type basic struct {
	Carrier  string   `json:"carrier"`
	Location location `json:"location"`
}

// location leaves out lng/lat: tibot does not use them, and they are strings
// on the wire anyway.
type location struct {
	Country     string `json:"country"`
	Province    string `json:"province"`
	City        string `json:"city"`
	CountryCode string `json:"country_code"`
}

type asn struct {
	Rank   flexInt `json:"rank"`
	Info   string  `json:"info"`
	Number flexInt `json:"number"`
}

// flexInt accepts a JSON number or a numeric string ("64500"); anything
// else decodes as 0 without failing the answer.
type flexInt int

// UnmarshalJSON implements json.Unmarshaler leniently.
func (n *flexInt) UnmarshalJSON(b []byte) error {
	b = bytes.Trim(b, `"`)
	if v, ok := plainInt(b); ok {
		*n = flexInt(v)
		return nil
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		*n = 0
		return nil
	}
	*n = flexInt(v)
	return nil
}

// plainInt parses an optional minus sign and 1 to 15 decimal digits, the
// usual form of asn.number, asn.rank and confidence, without allocating. For
// such input it gives the same value as strconv.ParseFloat: every integer
// below 10^15 is exact in a float64.
func plainInt(b []byte) (int, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	v := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	if neg {
		v = -v
	}
	return v, true
}

// errBadBody reports an answer that is not a ThreatBook envelope.
var errBadBody = errors.New("not a threatbook answer")

// decodeEnvelope parses body leniently: a wrongly typed field inside data
// is left at its zero value instead of failing the whole answer, but the
// envelope itself must be well-formed JSON with a numeric response_code.
// ip_reputation answers take the fast path of fastrep.go when they can; the
// result is the same as decodeEnvelopeStd's.
func decodeEnvelope[T any](body []byte) (*envelope[T], error) {
	env := new(envelope[T])
	if rep, ok := any(env).(*envelope[repIP]); ok && decodeRepFast(body, rep) {
		return env.checkCode()
	}
	return decodeEnvelopeStd[T](body)
}

// decodeEnvelopeStd is decodeEnvelope with encoding/json only: the
// reference for the fast path.
func decodeEnvelopeStd[T any](body []byte) (*envelope[T], error) {
	var env envelope[T]
	err := json.Unmarshal(body, &env)
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && strings.HasPrefix(typeErr.Field, "data") {
		err = nil
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errBadBody, err)
	}
	return env.checkCode()
}

// checkCode sets env.code from RawCode, which must be an integer.
func (env *envelope[T]) checkCode() (*envelope[T], error) {
	code, err := strconv.Atoi(string(env.RawCode))
	if err != nil {
		return nil, fmt.Errorf("%w: response_code %q", errBadBody, env.RawCode)
	}
	env.code = code
	return env, nil
}
