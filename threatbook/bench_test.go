package threatbook

import (
	"bytes"
	"net/netip"
	"testing"

	"tibot/intel"
	"tibot/threatbook/threatbooktest"
)

// batchBody returns a realistic ip_reputation answer for 100 addresses (the
// fake's mix of malicious, suspicious and clean entries) and the batch.
func batchBody(tb testing.TB) ([]byte, []netip.Addr) {
	tb.Helper()
	ips := withData(BatchSize)
	var b bytes.Buffer
	b.WriteString(`{"response_code":0,"verbose_msg":"OK","data":{`)
	for i, ip := range ips {
		entry, _ := threatbooktest.Generate(ip, threatbooktest.EndpointReputation)
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + ip.String() + `":`)
		b.Write(entry)
	}
	b.WriteString(`}}`)
	return b.Bytes(), ips
}

// decodeBatch is the work Lookup does per answer: decode and build verdicts.
func decodeBatch(body []byte, ips []netip.Addr) (map[netip.Addr]intel.Verdict, error) {
	env, err := decodeEnvelope[repIP](body)
	if err != nil {
		return nil, err
	}
	got := make(map[netip.Addr]intel.Verdict, len(ips))
	storeReputation(got, ips, env.Data, t0)
	return got, nil
}

func TestDecodeBatchBody(t *testing.T) {
	body, ips := batchBody(t)
	got, err := decodeBatch(body, ips)
	if err != nil || len(got) != BatchSize {
		t.Fatalf("%d verdicts, %v", len(got), err)
	}
	for _, v := range got {
		if v.Level == intel.LevelUnknown || v.Err != nil {
			t.Errorf("%s: %v %v", v.IP, v.Level, v.Err)
		}
	}
}

// BenchmarkDecodeBatch100 measures decode + verdict for one 100-IP
// reputation answer (target: under 1 ms).
func BenchmarkDecodeBatch100(b *testing.B) {
	body, ips := batchBody(b)
	if !decodeRepFast(body, new(envelope[repIP])) {
		b.Fatal("the fast decoder refused the batch: it would measure encoding/json")
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeBatch(body, ips); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/batch")
}

// BenchmarkDecodeBatch100Std is BenchmarkDecodeBatch100 with encoding/json
// only, the path taken by bodies the fast decoder refuses.
func BenchmarkDecodeBatch100Std(b *testing.B) {
	body, ips := batchBody(b)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		env, err := decodeEnvelopeStd[repIP](body)
		if err != nil {
			b.Fatal(err)
		}
		storeReputation(make(map[netip.Addr]intel.Verdict, len(ips)), ips, env.Data, t0)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ms/batch")
}
