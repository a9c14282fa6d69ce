package threatbooktest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// reply is a decoded answer of the fake.
type reply struct {
	Code int                        `json:"response_code"`
	Msg  string                     `json:"verbose_msg"`
	Data map[string]json.RawMessage `json:"data"`
}

func get(t *testing.T, s *Server, path, key, resource string) reply {
	t.Helper()
	q := url.Values{"apikey": {key}, "resource": {resource}, "lang": {"en"}}
	resp, err := http.Get(s.URL + path + "?" + q.Encode())
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return decode(t, resp)
}

func decode(t *testing.T, resp *http.Response) reply {
	t.Helper()
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	var r reply
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return r
}

const repPath = "/v3/scene/ip_reputation"
const queryPath = "/v3/ip/query"

// addrs returns n consecutive addresses from 100.64.0.0 (any public-looking
// range works: the fake does not filter).
func addrs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("100.64.%d.%d", i/250, i%250+1)
	}
	return out
}

func TestReputationBatch(t *testing.T) {
	s := NewServer(Options{DailyQuota: 100})
	defer s.Close()
	ips := addrs(60)
	r := get(t, s, repPath, "k1", strings.Join(ips, ","))
	if r.Code != 0 || r.Msg != "OK" {
		t.Fatalf("code %d %q, want 0 OK", r.Code, r.Msg)
	}
	for _, ip := range ips {
		_, inData := r.Data[ip]
		if noData := CategoryOf(netip.MustParseAddr(ip)) == CategoryNoData; inData == noData {
			t.Errorf("%s: in data = %v, category %v", ip, inData, CategoryOf(netip.MustParseAddr(ip)))
		}
	}
	if st := s.Stats(); st.Requests != 1 || st.IPs != 60 || st.Units != 60 || st.ByEndpoint[EndpointReputation] != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestCategoryMix(t *testing.T) {
	counts := map[Category]int{}
	whitelist := 0
	const n = 20000
	for i := range n {
		ip := netip.AddrFrom4([4]byte{198, 18, byte(i >> 8), byte(i)})
		counts[CategoryOf(ip)]++
		if b, ok := Generate(ip, EndpointReputation); ok && strings.Contains(string(b), "Whitelist") {
			whitelist++
		}
	}
	want := map[Category][2]int{
		CategoryMalicious: {8, 12}, CategorySuspicious: {8, 12}, CategoryClean: {66, 74}, CategoryNoData: {8, 12},
	}
	for c, r := range want {
		if pct := counts[c] * 100 / n; pct < r[0] || pct > r[1] {
			t.Errorf("%v = %d%%, want %d–%d%%", c, pct, r[0], r[1])
		}
	}
	if pct := whitelist * 100 / n; pct < 5 || pct > 15 {
		t.Errorf("whitelist = %d%%, want 5–15%%", pct)
	}
}

func TestGenerateIsStable(t *testing.T) {
	for _, ip := range addrs(50) {
		a := netip.MustParseAddr(ip)
		for _, ep := range []string{EndpointReputation, EndpointQuery} {
			b1, ok1 := Generate(a, ep)
			b2, ok2 := Generate(a, ep)
			if ok1 != ok2 || string(b1) != string(b2) {
				t.Fatalf("Generate(%s, %s) not stable", ip, ep)
			}
		}
	}
}

func TestQuotaPerIP(t *testing.T) {
	s := NewServer(Options{Keys: []string{"k1"}, DailyQuota: 5})
	defer s.Close()
	ips := addrs(8)
	r := get(t, s, repPath, "k1", strings.Join(ips, ","))
	if r.Code != 1 || r.Msg != "Beyond Limitation from "+ips[5] {
		t.Fatalf("partial: code %d %q", r.Code, r.Msg)
	}
	for ip := range r.Data {
		if !contains(ips[:5], ip) {
			t.Errorf("served %s beyond the quota", ip)
		}
	}
	if r := get(t, s, repPath, "k1", ips[0]); r.Code != -4 || r.Msg != MsgBeyondDailyLimitation {
		t.Errorf("spent key: code %d %q", r.Code, r.Msg)
	}
	if rep, _ := s.KeyUsed("k1"); rep != 5 {
		t.Errorf("KeyUsed = %d, want 5", rep)
	}
}

func TestQuotaResetsAtBeijingMidnight(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2025, 5, 14, 15, 59, 0, 0, time.UTC) // 23:59 in Beijing
	s := NewServer(Options{DailyQuota: 1, Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }})
	defer s.Close()
	get(t, s, repPath, "k", "100.64.0.1")
	if r := get(t, s, repPath, "k", "100.64.0.2"); r.Code != -4 {
		t.Fatalf("code %d, want -4", r.Code)
	}
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	if r := get(t, s, repPath, "k", "100.64.0.2"); r.Code == -4 {
		t.Fatalf("quota not reset after 00:00 Beijing time")
	}
}

func TestRequestErrors(t *testing.T) {
	s := NewServer(Options{Keys: []string{"good"}})
	defer s.Close()
	tests := []struct {
		name, path, key, resource string
		code                      int
		msg                       string
	}{
		{"UnknownKey", repPath, "bad", "100.64.0.1", -1, MsgInvalidAPIKey},
		{"MissingKey", repPath, "", "100.64.0.1", -3, "Required:apikey"},
		{"MissingResource", repPath, "good", "", -3, MsgRequiredResource},
		{"BadIP", repPath, "good", "100.64.0.1,999.1.1.1", -1, MsgInvalidParameter},
		{"TooMany", repPath, "good", strings.Join(addrs(101), ","), -1, MsgInvalidParameter},
		{"QueryBatch", queryPath, "good", "100.64.0.1,100.64.0.2", -1, MsgInvalidParameter},
		{"BadPath", "/v3/scene/nope", "good", "100.64.0.1", -2, MsgInvalidAPIMethod},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if r := get(t, s, tc.path, tc.key, tc.resource); r.Code != tc.code || r.Msg != tc.msg {
				t.Errorf("got %d %q, want %d %q", r.Code, r.Msg, tc.code, tc.msg)
			}
		})
	}
}

func TestPostForm(t *testing.T) {
	s := NewServer(Options{})
	defer s.Close()
	form := url.Values{"apikey": {"k"}, "resource": {"100.64.0.1,100.64.0.2"}, "lang": {"en"}}
	resp, err := http.PostForm(s.URL+repPath, form)
	if err != nil {
		t.Fatal(err)
	}
	if r := decode(t, resp); r.Code != 0 && r.Code != 2 {
		t.Errorf("POST form: code %d %q", r.Code, r.Msg)
	}
}

func TestQueryEndpoint(t *testing.T) {
	s := NewServer(Options{})
	defer s.Close()
	for _, ip := range addrs(30) {
		r := get(t, s, queryPath, "k", ip)
		noData := CategoryOf(netip.MustParseAddr(ip)) == CategoryNoData
		if (r.Code == 2) != noData || (r.Code == 0 && r.Data[ip] == nil) {
			t.Errorf("%s: code %d, data %v", ip, r.Code, r.Data != nil)
		}
	}
}

func TestFixtures(t *testing.T) {
	s := NewServer(Options{})
	defer s.Close()
	if err := s.LoadFixtureDir("testdata"); err != nil {
		t.Fatal(err)
	}
	r := get(t, s, repPath, "k", "198.51.100.23")
	if !strings.Contains(string(r.Data["198.51.100.23"]), "CobaltStrike") {
		t.Errorf("reputation fixture not served: %s", r.Data["198.51.100.23"])
	}
	q := get(t, s, queryPath, "k", "203.0.113.45")
	if !strings.Contains(string(q.Data["203.0.113.45"]), "Mirai") {
		t.Errorf("query fixture not served: %s", q.Data["203.0.113.45"])
	}
	d := get(t, s, queryPath, "k", "198.51.100.23")
	if !strings.Contains(string(d.Data["198.51.100.23"]), `"intel_types":["C2","IDC"]`) {
		t.Errorf("query not derived from the reputation fixture: %s", d.Data["198.51.100.23"])
	}
}

func TestStatsAndResetEndpoints(t *testing.T) {
	s := NewServer(Options{DailyQuota: 2})
	defer s.Close()
	get(t, s, repPath, "k", "100.64.0.1,100.64.0.2")
	var st struct{ Requests, IPs int }
	resp, err := http.Get(s.URL + "/_fake/stats")
	if err != nil {
		t.Fatal(err)
	}
	err = json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if err != nil || st.Requests != 1 || st.IPs != 2 {
		t.Fatalf("stats = %+v, %v", st, err)
	}
	resp, err = http.Post(s.URL+"/_fake/reset", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := s.Stats(); got.Requests != 0 || got.IPs != 0 {
		t.Errorf("after reset: %+v", got)
	}
	if r := get(t, s, repPath, "k", "100.64.0.3"); r.Code == -4 {
		t.Errorf("reset did not clear quota usage")
	}
}

func TestConcurrentRequests(t *testing.T) {
	s := NewServer(Options{DailyQuota: -1})
	defer s.Close()
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			q := url.Values{"apikey": {fmt.Sprint("k", i%3)}, "resource": {strings.Join(addrs(10), ",")}}
			resp, err := http.Get(s.URL + repPath + "?" + q.Encode())
			if err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	if st := s.Stats(); st.Requests != 20 || st.IPs != 200 {
		t.Errorf("stats = %+v", st)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
