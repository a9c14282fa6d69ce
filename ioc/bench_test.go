package ioc

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"runtime"
	"strings"
	"testing"
)

var (
	mixedOut  = flag.String("ioc.mixedlog", "", "TestWriteMixedLog writes a mixed log to this file")
	mixedSize = flag.Int("ioc.mixedsize", 200<<20, "size in bytes of the log TestWriteMixedLog writes")
)

// mixedLog builds a realistic log of about size bytes from the corpus lines:
// lines drawn at random, their IPv4 addresses replaced by addresses drawn
// from a pool of 20,000 with a Zipf distribution (a few busy scanners, a
// long tail), as in a real firewall or web server export.
func mixedLog(tb testing.TB, size int) []byte {
	tb.Helper()
	lines := loadCorpus(tb)
	rng := rand.New(rand.NewPCG(1, 2))
	pool := make([]string, 20000)
	for i := range pool {
		pool[i] = netip.AddrFrom4([4]byte{byte(1 + rng.IntN(223)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(1 + rng.IntN(254))}).String()
	}
	zipf := rand.NewZipf(rng, 1.2, 1, uint64(len(pool)-1))
	out := make([]byte, 0, size+8<<10)
	for len(out) < size {
		c := lines[rng.IntN(len(lines))]
		line := c.Line
		for _, p := range c.Present {
			if !strings.Contains(p, ":") && strings.Contains(line, p) {
				line = strings.ReplaceAll(line, p, pool[zipf.Uint64()])
			}
		}
		out = append(out, line...)
		out = append(out, '\n')
	}
	return out
}

// BenchmarkExtract measures throughput on a ~50 MB mixed log read through
// an io.Reader, as files and pastes are.
func BenchmarkExtract(b *testing.B) {
	benchExtract(b, func(data []byte) (Result, error) { return Extract(bytes.NewReader(data), Options{}) })
}

// BenchmarkExtractBytes measures ExtractBytes, which scans text already in
// memory in place, on the same log: the extractor without the copy into the
// read buffer that Extract makes.
func BenchmarkExtractBytes(b *testing.B) {
	benchExtract(b, func(data []byte) (Result, error) { return ExtractBytes(data, Options{}) })
}

// benchExtract runs extract over the mixed log and reports, besides MB/s,
// throughput per CPU second of this thread (on a shared machine wall time
// also counts the time other processes held the core), allocations per MB
// and the number of unique addresses.
func benchExtract(b *testing.B, extract func([]byte) (Result, error)) {
	data := mixedLog(b, 50<<20)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	cpu0 := threadCPU()
	b.ResetTimer()
	var res Result
	for b.Loop() {
		var err error
		if res, err = extract(data); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	cpu := threadCPU() - cpu0
	runtime.ReadMemStats(&after)
	if cpu > 0 {
		b.ReportMetric(float64(len(data))*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
	allocs := float64(after.Mallocs-before.Mallocs) / float64(b.N)
	b.ReportMetric(allocs/(float64(len(data))/1e6), "allocs/MB")
	b.ReportMetric(float64(len(res.Hits)), "unique")
}

// TestWriteMixedLog writes the benchmark's mixed log to a file for
// scripts/extract-rss.sh; it is skipped unless -ioc.mixedlog is given.
func TestWriteMixedLog(t *testing.T) {
	if *mixedOut == "" {
		t.Skip("no -ioc.mixedlog")
	}
	data := mixedLog(t, *mixedSize)
	if err := os.WriteFile(*mixedOut, data, 0o644); err != nil {
		t.Fatal(err)
	}
	fmt.Printf("wrote %d bytes to %s\n", len(data), *mixedOut)
}
