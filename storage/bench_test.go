package storage

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"tibot/intel"
)

// benchCache fills a cache with n verdicts and returns their addresses.
func benchCache(b *testing.B, n int) (*DB, []netip.Addr) {
	db := MustOpen(b, Options{})
	vs := make([]intel.Verdict, n)
	ips := make([]netip.Addr, n)
	for i := range vs {
		ips[i] = ip(fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&255, i&255))
		vs[i] = verdict(ips[i].String(), intel.LevelMalicious)
	}
	must(b, db.PutVerdicts(b.Context(), vs))
	return db, ips
}

// BenchmarkCachedVerdictRead reads one cached verdict per call (one read
// transaction each), the /ip path.
func BenchmarkCachedVerdictRead(b *testing.B) {
	db, ips := benchCache(b, 10000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		got, err := db.CachedVerdicts(b.Context(), ips[i%len(ips):i%len(ips)+1])
		if err != nil || len(got) != 1 {
			b.Fatalf("read: %v, %d hits", err, len(got))
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
}

// BenchmarkCachedVerdictReadBatch100 reads 100 verdicts per call (one read
// transaction per batch), the paste path; b.N counts verdicts.
func BenchmarkCachedVerdictReadBatch100(b *testing.B) {
	db, ips := benchCache(b, 10000)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += 100 {
		j := i % (len(ips) - 100)
		if _, err := db.CachedVerdicts(b.Context(), ips[j:j+100]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
}

// BenchmarkCachedVerdictReadParallel reads single verdicts from all CPUs.
func BenchmarkCachedVerdictReadParallel(b *testing.B) {
	db, ips := benchCache(b, 10000)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for i := 0; pb.Next(); i++ {
			if _, err := db.CachedVerdicts(b.Context(), ips[i%len(ips):i%len(ips)+1]); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "reads/s")
}

// BenchmarkQuotaTake takes one unit per call; each is one durable update.
func BenchmarkQuotaTake(b *testing.B) {
	db := MustOpen(b, Options{QuotaDefault: 1 << 40})
	b.ResetTimer()
	for range b.N {
		if g, _, err := db.Take(b.Context(), alice, 1); err != nil || g != 1 {
			b.Fatalf("take: %d, %v", g, err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "takes/s")
}

// BenchmarkHistoryAppend records events in batches of 100 per update; b.N
// counts events.
func BenchmarkHistoryAppend(b *testing.B) {
	db := MustOpen(b, Options{})
	batch := make([]intel.LookupEvent, 100)
	for i := range batch {
		batch[i] = intel.LookupEvent{
			IP: ip(fmt.Sprintf("198.51.100.%d", i)), Level: intel.LevelClean,
			ThreatTypes: []string{"IDC"}, Platform: "slack", Chat: "C0123456", User: "U0123456",
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i += len(batch) {
		for j := range batch {
			batch[j].At = t0.Add(time.Duration(i + j))
		}
		if err := db.RecordLookups(b.Context(), batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
