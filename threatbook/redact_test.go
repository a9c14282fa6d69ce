package threatbook

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"tibot/intel"
	"tibot/threatbook/threatbooktest"
)

const secret = "SECRETKEY0123456789abcdef"

// TestKeyNeverLeaks runs every error path of Lookup and Deep and checks that
// neither the errors nor the log output contain the key.
func TestKeyNeverLeaks(t *testing.T) {
	type setup func(e *env)
	fault := func(f threatbooktest.Fault) setup { return func(e *env) { e.srv.SetFault(f) } }
	code := func(c int, msg string) setup { return fault(threatbooktest.CodeFault(c, msg)) }
	paths := map[string]setup{
		"TransportRefused": func(e *env) { e.srv.Close() },
		"Timeout":          fault(threatbooktest.Fault{Kind: threatbooktest.FaultSlowBody}),
		"HTTP500":          fault(threatbooktest.Fault{Kind: threatbooktest.FaultHTTP, Status: 500}),
		"HTTP403":          fault(threatbooktest.Fault{Kind: threatbooktest.FaultHTTP, Status: 403}),
		"BadJSON":          fault(threatbooktest.Fault{Kind: threatbooktest.FaultMalformed}),
		"Truncated":        fault(threatbooktest.Fault{Kind: threatbooktest.FaultTruncated}),
		"ConnClosed":       fault(threatbooktest.Fault{Kind: threatbooktest.FaultClose}),
		"Partial":          fault(threatbooktest.Fault{Kind: threatbooktest.FaultPartial, Served: 1}),
		"PoolExhausted":    code(-4, threatbooktest.MsgBeyondDailyLimitation),
		"BeyondLimitation": code(-4, threatbooktest.MsgBeyondLimitation),
		"RateLimited":      code(-4, threatbooktest.MsgFrequentLimitation),
		"AccessIP":         code(-1, threatbooktest.MsgInvalidAccessIP),
		"KeyEchoed":        code(-1, "Invalid API Key: "+secret),
		"Expired":          code(-1, threatbooktest.MsgExpiredAPIKey),
		"KeyStatus":        code(-1, threatbooktest.MsgInvalidKeyStatus),
		"Account":          code(-1, threatbooktest.MsgInvalidAccountStatus),
		"Parameter":        code(-1, threatbooktest.MsgInvalidParameter),
		"Method":           code(-2, threatbooktest.MsgInvalidAPIMethod),
		"Required":         code(-3, threatbooktest.MsgRequiredResource),
		"SystemError":      code(-5, threatbooktest.MsgSystemError+" "+secret),
	}
	for name, prepare := range paths {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, threatbooktest.Options{}, Options{Keys: []string{secret}, CallTimeout: 50 * time.Millisecond})
			prepare(e)
			vs, err := e.c.Lookup(context.Background(), ipRange(3))
			var texts []string
			for _, v := range vs {
				texts = append(texts, verdictErr(v.Err), fmt.Sprintf("%+v", v))
			}
			dv, derr := e.c.Deep(context.Background(), netip.MustParseAddr("203.0.113.45"))
			texts = append(texts, errText(err), errText(derr), verdictErr(dv.Err),
				fmt.Sprintf("%+v", e.c.PoolStatus()), e.logs.String())
			if name != "Partial" && vs[2].Err == nil {
				t.Errorf("path not exercised: %+v", vs[2])
			}
			for _, s := range texts {
				if strings.Contains(s, secret) {
					t.Fatalf("key leaked: %s", s)
				}
			}
		})
	}
}

// verdictErr avoids turning a nil *intel.Error into a non-nil error.
func verdictErr(e *intel.Error) string {
	if e == nil {
		return ""
	}
	return errText(e)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	var e *intel.Error
	if errors.As(err, &e) {
		s += " " + e.Message + " " + e.Detail
	}
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
		s += " " + u.Error()
		var ue *url.Error
		if errors.As(u, &ue) {
			s += " " + ue.URL
		}
	}
	return s
}

func TestTransportErrorIsRedactedNotDropped(t *testing.T) {
	e := newEnv(t, threatbooktest.Options{}, Options{Keys: []string{secret}, MaxRetries: -1})
	e.srv.Close()
	vs := mustLookup(t, e.c, ipRange(1))
	s := vs[0].Err.Error()
	if !strings.Contains(s, "apikey="+Redacted) || strings.Contains(s, secret) {
		t.Errorf("error = %s", s)
	}
	var ue *url.Error
	if !errors.As(vs[0].Err, &ue) {
		t.Errorf("*url.Error type lost")
	}
}

func TestRedactURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://api.threatbook.cn/v3/ip/query?apikey=abc&resource=1.2.3.4",
			"https://api.threatbook.cn/v3/ip/query?apikey=REDACTED&resource=1.2.3.4"},
		{"https://h/p?resource=1.2.3.4", "https://h/p?resource=1.2.3.4"},
		{"https://h/p?apikey=a%ZZ", "https://h/p?REDACTED"},
		{"::bad url", "REDACTED"},
	}
	for _, tc := range tests {
		if got := RedactURL(tc.in); got != tc.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
