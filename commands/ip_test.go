package commands

import (
	"context"
	"strings"
	"testing"

	"tibot/card"
	"tibot/intel"
	"tibot/lookup"
)

func TestParseIPArgs(t *testing.T) {
	tests := []struct {
		name    string
		args    string
		ips     []string
		invalid []string
		fresh   bool
	}{
		{"one", "1.1.1.1", []string{"1.1.1.1"}, nil, false},
		{"separators", "1.1.1.1, 8.8.8.8;9.9.9.9，1.0.0.1、 2606:4700::1111", []string{"1.1.1.1", "8.8.8.8", "9.9.9.9", "1.0.0.1", "2606:4700::1111"}, nil, false},
		{"duplicates", "1.1.1.1 1.1.1.1 ::ffff:1.1.1.1", []string{"1.1.1.1"}, nil, false},
		{"defanged", "1[.]1[.]1[.]1", []string{"1.1.1.1"}, nil, false},
		{"inside token", "src=8.8.8.8:53", []string{"8.8.8.8"}, nil, false},
		{"invalid", "1.1.1.1 foo 999.1.1.1", []string{"1.1.1.1"}, []string{"foo", "999.1.1.1"}, false},
		{"fresh", "--fresh 8.8.8.8", []string{"8.8.8.8"}, nil, true},
		{"private kept", "10.0.0.1", []string{"10.0.0.1"}, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := parseIPArgs(tc.args)
			var ips []string
			for _, h := range a.hits {
				ips = append(ips, h.Addr.String())
			}
			if strings.Join(ips, " ") != strings.Join(tc.ips, " ") {
				t.Errorf("ips = %v, want %v", ips, tc.ips)
			}
			if strings.Join(a.invalid, " ") != strings.Join(tc.invalid, " ") {
				t.Errorf("invalid = %v, want %v", a.invalid, tc.invalid)
			}
			if a.fresh != tc.fresh {
				t.Errorf("fresh = %v", a.fresh)
			}
		})
	}
}

func TestIPOneCardPerIP(t *testing.T) {
	lk := &fakeLooker{}
	rt := newTestRouter(t, lk, nil)
	var r recorder
	m := msg("/ip 1.1.1.1 8.8.8.8")
	m.Thread = "T9"
	if err := rt.Handle(context.Background(), m, &r); err != nil {
		t.Fatal(err)
	}
	out := r.sent()
	if len(out) != 2 {
		t.Fatalf("got %d replies, want 2 verdict cards", len(out))
	}
	for i, ip := range []string{"1.1.1.1", "8.8.8.8"} {
		if !strings.Contains(out[i].card.Title, ip) || len(out[i].card.Actions) == 0 {
			t.Errorf("card %d = %+v, want the verdict of %s with buttons", i, out[i].card, ip)
		}
	}
	req := lk.requests()[0]
	if req.Subject != (intel.Subject{Platform: "console", User: "alice"}) {
		t.Errorf("subject = %+v", req.Subject)
	}
	if want := (intel.ReplyTarget{Platform: "console", Chat: "C1", Thread: "T9", User: "alice"}); req.ReplyTo != want {
		t.Errorf("reply target = %+v, want %+v", req.ReplyTo, want)
	}
}

func TestIPBatchBeyondMaxCards(t *testing.T) {
	lk := &fakeLooker{}
	rt := newTestRouter(t, lk, nil)
	var r recorder
	err := rt.Handle(context.Background(), msg("/ip 1.1.1.1 1.0.0.1 8.8.8.8 8.8.4.4 9.9.9.9 4.2.2.2 208.67.222.222"), &r)
	if err != nil {
		t.Fatal(err)
	}
	out := r.sent()
	if len(out) != 1 || !strings.Contains(out[0].card.Title, "批量研判") {
		t.Fatalf("got %d replies (%+v), want one batch card", len(out), out)
	}
	if !strings.Contains(out[0].card.Title, "7") {
		t.Errorf("batch title %q does not count 7 IPs", out[0].card.Title)
	}
}

func TestIPInvalidTokensListedRestAnswered(t *testing.T) {
	rt := newTestRouter(t, &fakeLooker{}, nil)
	var r recorder
	if err := rt.Handle(context.Background(), msg("/ip 1.1.1.1 bogus 300.1.1.1"), &r); err != nil {
		t.Fatal(err)
	}
	out := r.sent()
	if len(out) != 2 {
		t.Fatalf("got %d replies, want note + card", len(out))
	}
	if note := out[0].card.Text; !strings.Contains(note, "bogus") || !strings.Contains(note, "300.1.1.1") {
		t.Errorf("note %q does not list the bad tokens", note)
	}
	if !strings.Contains(out[1].card.Title, "1.1.1.1") {
		t.Errorf("second reply is not the 1.1.1.1 card: %+v", out[1].card)
	}
}

func TestIPErrors(t *testing.T) {
	tests := []struct {
		name, text string
		code       intel.Code
		msgHas     string
	}{
		{"no args", "/ip", intel.EInvalid, "用法"},
		{"only junk", "/ip foo bar", intel.EInvalid, "foo"},
		{"fresh non-admin", "/ip --fresh 1.1.1.1", intel.EUnauthorized, "管理员"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lk := &fakeLooker{}
			rt := newTestRouter(t, lk, nil)
			err := rt.Handle(context.Background(), msg(tc.text), &recorder{})
			if intel.ErrorCode(err) != tc.code || !strings.Contains(intel.ErrorMessage(err), tc.msgHas) {
				t.Errorf("err = %v (%q), want %s containing %q", err, intel.ErrorMessage(err), tc.code, tc.msgHas)
			}
			if len(lk.requests()) != 0 {
				t.Error("looked up despite the error")
			}
		})
	}
}

func TestIPFreshForAdmins(t *testing.T) {
	lk := &fakeLooker{}
	rt := newTestRouter(t, lk, nil)
	m := msg("/ip --fresh 1.1.1.1")
	m.User = "root"
	if err := rt.Handle(context.Background(), m, &recorder{}); err != nil {
		t.Fatal(err)
	}
	req := lk.requests()[0]
	if !req.Fresh || !req.Subject.Admin {
		t.Errorf("request = fresh %v admin %v, want both", req.Fresh, req.Subject.Admin)
	}
}

func TestIPPrivateOnly(t *testing.T) {
	lk := &fakeLooker{}
	rt := newTestRouter(t, lk, nil)
	var r recorder
	if err := rt.Handle(context.Background(), msg("/ip 10.1.2.3 192.168.0.1"), &r); err != nil {
		t.Fatal(err)
	}
	out := r.sent()
	if len(out) != 1 || !strings.Contains(out[0].card.Text, "内网") || !strings.Contains(out[0].card.Text, "10.1.2.3") {
		t.Fatalf("replies = %+v, want one note naming the private IPs", out)
	}
	if len(lk.requests()) != 0 {
		t.Error("private IPs were looked up")
	}
}

func TestIPAllFailedReturnsTheFailure(t *testing.T) {
	fail := intel.Errorf(intel.EUpstream, "威胁情报服务暂时不可用, 请稍后再试", "http 502")
	lk := &fakeLooker{fn: func(req lookup.Request) (lookup.Result, error) {
		res := cleanResult(req)
		for i := range res.Verdicts {
			res.Verdicts[i] = intel.Failed(res.Verdicts[i].IP, fail)
		}
		res.Failed, res.Live = len(res.Verdicts), 0
		return res, nil
	}}
	rt := newTestRouter(t, lk, nil)
	var r recorder
	err := rt.Handle(context.Background(), msg("/ip 1.1.1.1"), &r)
	if intel.ErrorCode(err) != intel.EUpstream || intel.ErrorMessage(err) != fail.Message {
		t.Fatalf("err = %v, want the upstream failure", err)
	}
	if len(r.sent()) != 0 {
		t.Errorf("replied %d cards besides the error", len(r.sent()))
	}
}

func TestPartialFailureStillAnswers(t *testing.T) {
	lk := &fakeLooker{fn: func(req lookup.Request) (lookup.Result, error) {
		res := cleanResult(req)
		res.Verdicts[1] = intel.Failed(res.Verdicts[1].IP, intel.Errorf(intel.EUpstream, "x", "y"))
		res.Failed, res.Live = 1, res.Live-1
		return res, nil
	}}
	rt := newTestRouter(t, lk, nil)
	var r recorder
	if err := rt.Handle(context.Background(), msg("/ip 1.1.1.1 8.8.8.8"), &r); err != nil {
		t.Fatal(err)
	}
	out := r.sent()
	if len(out) != 2 || !strings.Contains(card.Text(out[1].card), "查询失败") {
		t.Fatalf("replies = %+v, want two cards, the second saying 查询失败", out)
	}
}

// TestMaxCardsBoundary: up to MaxCards (5) public IPs get one card each,
// one more gets the batch summary, for /ip and for a paste alike.
func TestMaxCardsBoundary(t *testing.T) {
	five := "1.1.1.1 1.0.0.1 8.8.8.8 8.8.4.4 9.9.9.9"
	tests := []struct {
		name  string
		text  string
		cards int // replies; 1 with batch means the summary
		batch bool
	}{
		{"ip five", "/ip " + five, 5, false},
		{"ip six", "/ip " + five + " 4.2.2.2", 1, true},
		{"paste five", "deny src=" + strings.ReplaceAll(five, " ", " deny src="), 5, false},
		{"paste six", "deny " + five + " 4.2.2.2", 1, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rt := newTestRouter(t, &fakeLooker{}, nil)
			var r recorder
			if err := rt.Handle(context.Background(), msg(tc.text), &r); err != nil {
				t.Fatal(err)
			}
			out := r.sent()
			if len(out) != tc.cards {
				t.Fatalf("got %d replies, want %d", len(out), tc.cards)
			}
			if got := strings.Contains(out[0].card.Title, "批量研判"); got != tc.batch {
				t.Errorf("first reply %q: batch summary = %v, want %v", out[0].card.Title, got, tc.batch)
			}
		})
	}
}
