package threatbook

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"tibot/intel"
	"tibot/threatbook/threatbooktest"
)

// TestErrorCodes drives every response_code through Lookup with two keys:
// key problems try the other key too, -1 (others), -2 and -3 are never
// retried, -5 is retried MaxRetries times.
func TestErrorCodes(t *testing.T) {
	tests := []struct {
		name   string
		code   int
		msg    string
		want   intel.Code
		zh     string // part of the Chinese message
		calls  int
		sleeps int
	}{
		{"InvalidAccessIP", -1, "Invalid Access IP: 203.0.113.9", intel.EConfig, "未绑定本机出口 IP", 2, 0},
		{"InvalidAPIKey", -1, threatbooktest.MsgInvalidAPIKey, intel.EConfig, "密钥无效", 2, 0},
		{"ExpiredAPIKey", -1, threatbooktest.MsgExpiredAPIKey, intel.EConfig, "已过期", 2, 0},
		{"InvalidKeyStatus", -1, threatbooktest.MsgInvalidKeyStatus, intel.EConfig, "密钥状态异常", 2, 0},
		{"InvalidAccountStatus", -1, threatbooktest.MsgInvalidAccountStatus, intel.EConfig, "账户状态异常", 2, 0},
		{"NoAccess", -1, "No Access to API Method", intel.EConfig, "无权调用", 2, 0},
		{"InvalidParameter", -1, threatbooktest.MsgInvalidParameter, intel.EInvalid, "参数", 1, 0},
		{"OtherMinusOne", -1, "Something New", intel.EConfig, "权限受限", 1, 0},
		{"InvalidAPIMethod", -2, threatbooktest.MsgInvalidAPIMethod, intel.EInternal, "内部错误", 1, 0},
		{"Required", -3, threatbooktest.MsgRequiredResource, intel.EInternal, "缺少参数", 1, 0},
		{"BeyondDaily", -4, threatbooktest.MsgBeyondDailyLimitation, intel.EQuota, "额度已用完", 2, 0},
		{"BeyondLimitation", -4, threatbooktest.MsgBeyondLimitation, intel.EQuota, "额度已用完", 2, 0},
		{"Frequent", -4, threatbooktest.MsgFrequentLimitation, intel.ERateLimit, "过于频繁", 2, 0},
		{"SystemError", -5, threatbooktest.MsgSystemError, intel.EUpstream, "系统错误", 4, 3},
		{"UnknownCode", -9, "Model Error", intel.EUpstream, "无法识别", 1, 0},
		{"InProgress", 3, "In Progress", intel.EUpstream, "无法识别", 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, threatbooktest.Options{}, Options{Keys: []string{"k1", "k2"}})
			e.srv.SetFault(threatbooktest.CodeFault(tc.code, tc.msg))
			vs := mustLookup(t, e.c, ipRange(3))
			for _, v := range vs {
				if v.Err == nil || v.Err.Code != tc.want || v.Level != intel.LevelUnknown {
					t.Fatalf("%s: level %v err %v, want %s", v.IP, v.Level, v.Err, tc.want)
				}
			}
			if !strings.Contains(vs[0].Err.Message, tc.zh) {
				t.Errorf("message %q lacks %q", vs[0].Err.Message, tc.zh)
			}
			if rep, _ := e.calls(); rep != tc.calls {
				t.Errorf("calls = %d, want %d", rep, tc.calls)
			}
			if n := len(e.Sleeps()); n != tc.sleeps {
				t.Errorf("retries = %d, want %d", n, tc.sleeps)
			}
		})
	}
}

func TestTransportFailuresAreUpstream(t *testing.T) {
	tests := []struct {
		name  string
		fault threatbooktest.Fault
		calls int
	}{
		{"HTTP503", threatbooktest.Fault{Kind: threatbooktest.FaultHTTP}, 4},
		{"HTTP404", threatbooktest.Fault{Kind: threatbooktest.FaultHTTP, Status: 404}, 1},
		{"Malformed", threatbooktest.Fault{Kind: threatbooktest.FaultMalformed}, 1},
		{"Truncated", threatbooktest.Fault{Kind: threatbooktest.FaultTruncated}, 4},
		{"Closed", threatbooktest.Fault{Kind: threatbooktest.FaultClose}, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, threatbooktest.Options{}, Options{Keys: []string{"k1", "k2"}})
			e.srv.SetFault(tc.fault)
			vs := mustLookup(t, e.c, ipRange(2))
			if err := vs[0].Err; err == nil || err.Code != intel.EUpstream {
				t.Fatalf("err = %v, want EUpstream", err)
			}
			if rep, _ := e.calls(); rep != tc.calls {
				t.Errorf("calls = %d, want %d", rep, tc.calls)
			}
		})
	}
}

func TestRetryOn5xxThenSuccess(t *testing.T) {
	e := newEnv(t, threatbooktest.Options{}, Options{Keys: []string{"k"}})
	e.srv.SetFault(threatbooktest.Fault{Kind: threatbooktest.FaultHTTP, Status: 502, Times: 2})
	vs := mustLookup(t, e.c, []netip.Addr{netip.MustParseAddr("198.51.100.23")})
	if vs[0].Err != nil || vs[0].Level != intel.LevelMalicious {
		t.Fatalf("verdict %v %v", vs[0].Level, vs[0].Err)
	}
	if rep, _ := e.calls(); rep != 3 {
		t.Errorf("calls = %d, want 3", rep)
	}
	want := []time.Duration{200 * time.Millisecond, 400 * time.Millisecond}
	if got := e.Sleeps(); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("backoff = %v, want %v", got, want)
	}
}

func TestRetryOnSystemErrorThenSuccess(t *testing.T) {
	e := newEnv(t, threatbooktest.Options{}, Options{Keys: []string{"k"}})
	f := threatbooktest.CodeFault(-5, threatbooktest.MsgSystemError)
	f.Times = 1
	e.srv.SetFault(f)
	if vs := mustLookup(t, e.c, ipRange(1)); vs[0].Err != nil {
		t.Fatalf("err %v", vs[0].Err)
	}
	if rep, _ := e.calls(); rep != 2 {
		t.Errorf("calls = %d, want 2", rep)
	}
}

func TestMaxRetriesOption(t *testing.T) {
	e := newEnv(t, threatbooktest.Options{}, Options{Keys: []string{"k"}, MaxRetries: -1})
	e.srv.SetFault(threatbooktest.Fault{Kind: threatbooktest.FaultHTTP})
	mustLookup(t, e.c, ipRange(1))
	if rep, _ := e.calls(); rep != 1 || len(e.Sleeps()) != 0 {
		t.Errorf("calls = %d, sleeps %v: retries not disabled", rep, e.Sleeps())
	}
}

func TestBackoffIsCapped(t *testing.T) {
	want := []time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond,
		1600 * time.Millisecond, 3200 * time.Millisecond, 5 * time.Second, 5 * time.Second}
	for i, w := range want {
		if got := backoff(i); got != w {
			t.Errorf("backoff(%d) = %v, want %v", i, got, w)
		}
	}
	if backoff(100) != backoffCap {
		t.Errorf("backoff(100) overflowed")
	}
}

func TestNewWithoutKeys(t *testing.T) {
	for _, keys := range [][]string{nil, {}, {"", "  "}} {
		_, err := New(Options{Keys: keys})
		e := intel.AsError(err)
		if e == nil || e.Code != intel.EConfig || e.Message == "" {
			t.Fatalf("New(%q) = %v, want EConfig", keys, err)
		}
		if !strings.Contains(e.Detail, "THREATBOOK_API_KEYS") || !strings.Contains(e.Detail, "THREATBOOK_API_KEYS_FILE") {
			t.Errorf("detail %q does not say how to configure keys", e.Detail)
		}
	}
	if _, err := New(Options{Keys: []string{"k"}, BaseURL: "ftp://x"}); intel.ErrorCode(err) != intel.EConfig {
		t.Errorf("bad base URL: %v", err)
	}
}

func TestUpstreamFailureStopsTheOtherBatches(t *testing.T) {
	e := newEnv(t, threatbooktest.Options{DailyQuota: -1}, Options{Keys: []string{"k"}, DailyLimit: 1000})
	e.srv.SetFault(threatbooktest.Fault{Kind: threatbooktest.FaultHTTP})
	vs := mustLookup(t, e.c, ipRange(250))
	if n := countErrs(vs); n[intel.EUpstream] != 250 {
		t.Errorf("outcomes %v", n)
	}
	if rep, _ := e.calls(); rep != 4 {
		t.Errorf("calls = %d, want 4 (one batch with its retries)", rep)
	}
}

func TestInvalidParameterFailsOnlyItsBatch(t *testing.T) {
	e := newEnv(t, threatbooktest.Options{DailyQuota: -1}, Options{Keys: []string{"k"}, DailyLimit: 1000})
	f := threatbooktest.CodeFault(-1, threatbooktest.MsgInvalidParameter)
	f.Times = 1
	e.srv.SetFault(f)
	vs := mustLookup(t, e.c, ipRange(150))
	if n := countErrs(vs); n[intel.EInvalid] != 100 || n[""] != 50 {
		t.Errorf("outcomes %v, want 100 invalid and 50 answered", n)
	}
}
