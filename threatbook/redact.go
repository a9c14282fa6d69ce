package threatbook

import (
	"errors"
	"net/url"
	"strings"
)

// Redacted replaces secrets in URLs and error text.
const Redacted = "REDACTED"

// RedactURL returns raw with the value of its apikey query parameter
// replaced by REDACTED. A URL that does not parse is replaced whole.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return Redacted
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		u.RawQuery = Redacted
		return u.String()
	}
	if q.Has("apikey") {
		q.Set("apikey", Redacted)
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// redactor scrubs the configured keys from text and errors. The key is
// replaced with its KeyID so operators can still tell keys apart.
type redactor struct{ r *strings.Replacer }

func newRedactor(keys []string) redactor {
	pairs := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		pairs = append(pairs, k, Redacted+"("+KeyID(k)+")")
	}
	return redactor{strings.NewReplacer(pairs...)}
}

// text returns s without any key.
func (r redactor) text(s string) string { return r.r.Replace(s) }

// err returns an error that prints no key. A *url.Error gets its URL
// redacted (and keeps its type, so Timeout() still works); any other error
// whose text contains a key is replaced by a plain error with the scrubbed
// text.
func (r redactor) err(err error) error {
	if err == nil {
		return nil
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return &url.Error{Op: ue.Op, URL: RedactURL(r.text(ue.URL)), Err: r.err(ue.Err)}
	}
	if s := err.Error(); r.text(s) != s {
		return errors.New(r.text(s))
	}
	return err
}
