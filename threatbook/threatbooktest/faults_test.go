package threatbooktest

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
)

func TestCodeFaults(t *testing.T) {
	codes := []struct {
		code int
		msg  string
	}{
		{-1, MsgInvalidAccessIP}, {-1, MsgInvalidAPIKey}, {-1, MsgExpiredAPIKey},
		{-1, MsgInvalidKeyStatus}, {-1, MsgInvalidAccountStatus}, {-1, MsgInvalidParameter},
		{-2, MsgInvalidAPIMethod}, {-3, MsgRequiredResource}, {-4, MsgBeyondDailyLimitation},
		{-4, MsgBeyondLimitation}, {-4, MsgFrequentLimitation}, {-5, MsgSystemError},
	}
	s := NewServer(Options{})
	defer s.Close()
	for _, c := range codes {
		t.Run(c.msg, func(t *testing.T) {
			f := CodeFault(c.code, c.msg)
			f.Times = 1
			s.SetFault(f)
			if r := get(t, s, repPath, "k", "100.64.0.1"); r.Code != c.code || r.Msg != c.msg {
				t.Errorf("got %d %q", r.Code, r.Msg)
			}
			if r := get(t, s, repPath, "k", "100.64.0.1"); r.Code < 0 {
				t.Errorf("fault outlived Times: %d %q", r.Code, r.Msg)
			}
		})
	}
}

func TestPartialFault(t *testing.T) {
	s := NewServer(Options{})
	defer s.Close()
	s.SetFault(Fault{Kind: FaultPartial, Served: 2})
	ips := addrs(5)
	r := get(t, s, repPath, "k", ips[0]+","+ips[1]+","+ips[2]+","+ips[3]+","+ips[4])
	if r.Code != 1 || r.Msg != "Beyond Limitation from "+ips[2] {
		t.Errorf("got %d %q", r.Code, r.Msg)
	}
	if rep, _ := s.KeyUsed("k"); rep != 2 {
		t.Errorf("charged %d units, want 2", rep)
	}
}

func TestFaultFilters(t *testing.T) {
	s := NewServer(Options{})
	defer s.Close()
	s.SetFault(Fault{Kind: FaultCode, Code: -1, Message: MsgInvalidAccessIP, Key: "bad", Endpoint: EndpointQuery})
	if r := get(t, s, queryPath, "good", "100.64.0.1"); r.Code < 0 {
		t.Errorf("other key hit: %d", r.Code)
	}
	if r := get(t, s, repPath, "bad", "100.64.0.1"); r.Code < 0 {
		t.Errorf("other endpoint hit: %d", r.Code)
	}
	if r := get(t, s, queryPath, "bad", "100.64.0.1"); r.Code != -1 {
		t.Errorf("fault missed: %d", r.Code)
	}
	s.ClearFaults()
	if r := get(t, s, queryPath, "bad", "100.64.0.1"); r.Code < 0 {
		t.Errorf("after ClearFaults: %d", r.Code)
	}
}

func TestTransportFaults(t *testing.T) {
	s := NewServer(Options{})
	defer s.Close()
	tests := []struct {
		name  string
		fault Fault
		check func(*http.Response, error) string
	}{
		{"HTTP503", Fault{Kind: FaultHTTP}, wantStatus(503)},
		{"HTTP502", Fault{Kind: FaultHTTP, Status: 502}, wantStatus(502)},
		{"Malformed", Fault{Kind: FaultMalformed}, wantBadJSON},
		{"Truncated", Fault{Kind: FaultTruncated}, wantReadError},
		{"Close", Fault{Kind: FaultClose}, wantTransportError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fault.Times = 1
			s.SetFault(tc.fault)
			resp, err := http.Get(s.URL + repPath + "?apikey=k&resource=100.64.0.1")
			if msg := tc.check(resp, err); msg != "" {
				t.Error(msg)
			}
		})
	}
}

func wantStatus(code int) func(*http.Response, error) string {
	return func(resp *http.Response, err error) string {
		if err != nil {
			return err.Error()
		}
		resp.Body.Close()
		if resp.StatusCode != code {
			return resp.Status
		}
		return ""
	}
}

func wantBadJSON(resp *http.Response, err error) string {
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	var v any
	if json.NewDecoder(resp.Body).Decode(&v) == nil {
		return "body decoded as JSON"
	}
	return ""
}

func wantReadError(resp *http.Response, err error) string {
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	if _, err := io.ReadAll(resp.Body); !errors.Is(err, io.ErrUnexpectedEOF) {
		return "read error = " + errString(err) + ", want unexpected EOF"
	}
	return ""
}

func wantTransportError(_ *http.Response, err error) string {
	if err == nil {
		return "request succeeded"
	}
	return ""
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func TestSlowBodyStallsUntilClientGivesUp(t *testing.T) {
	s := NewServer(Options{})
	defer s.Close()
	s.SetFault(Fault{Kind: FaultSlowBody})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+repPath+"?apikey=k&resource=100.64.0.1", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 18)
	if _, err := io.ReadFull(resp.Body, buf); err != nil || string(buf) != `{"response_code": ` {
		t.Fatalf("first bytes %q, %v", buf, err)
	}
	cancel() // the stalled body must end with an error, not hang
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Error("body completed after the stall")
	}
}
