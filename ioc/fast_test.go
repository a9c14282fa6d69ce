package ioc

import (
	"math/rand/v2"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// needAVX2 skips tb where the AVX2 code cannot run, the only reason to
// skip its tests; on amd64 in CI (CI=true) it fails instead, so that CI
// never passes without running them.
func needAVX2(tb testing.TB) {
	tb.Helper()
	if haveQuadAVX {
		return
	}
	if runtime.GOARCH == "amd64" && os.Getenv("CI") == "true" {
		tb.Fatal("no AVX2 on this CI machine: the AVX2 code would go untested")
	}
	tb.Skip("no AVX2: the plain Go paths do this work here")
}

// knownTexts returns the texts of the extraction and role tables and the
// corpus lines.
func knownTexts(t *testing.T) []string {
	var texts []string
	for _, c := range extractCases {
		texts = append(texts, c.in)
	}
	for _, c := range roleCases {
		texts = append(texts, c.in)
	}
	for _, c := range loadCorpus(t) {
		texts = append(texts, c.Line)
	}
	return texts
}

// edgeSizes returns how much benchmark log and how many nastyText texts
// the fast-path tests use: less under the race detector.
func edgeSizes() (logSize, nasty int) {
	if raceEnabled {
		return 1 << 18, 4000
	}
	return 1 << 20, 20000
}

// extractGeneral runs ExtractString with the fused fast path off.
func extractGeneral(in string) Result {
	fastPath = false
	defer func() { fastPath = true }()
	return ExtractString(in)
}

// nastyText builds text from fragments that sit on the fast path's edges:
// digits and dots around three-digit limits, ports, fifth parts, keys and
// version keys, brackets, Chinese, defangs, slashes and tcpdump arrows.
func nastyText(rng *rand.Rand) string {
	frags := []string{
		"1", "12", "123", "255", "256", "0", "010", "9999", ".", ".", ".", ":", "::", ":80",
		"a", "f", "x", "_", "-", "/", " ", "\t", "\n", "=", "\"", "'", ">", " > ", "[", "]",
		"(", ")", "{", "}", "[.]", "(.)", "[dot]", "。", "．", "：", "１", "源IP", "版本", "，",
		"src=", "dst:", "version=", "ver ", "Chrome/", "client ", "from ", "ip=", "v", "é",
		"1.2.3.4", "10.0.0.1", "8.8.8.8.53", "::ffff:", "fe80::", "%eth0",
		"2001:db8::1", "::1", "::", "2a00:1450:400f:80a::200e", "1:2:3:4:5:6:7:8", "abcd", "12345",
		":0:", "[::1]:443", "fe80::1%eth0", "0:0:0:0:0:ffff:", "12:34:56", ":.",
		"std::vector", "api::id", "eth0:fe80::1", "cafe::", "x:", "2001:db8::b6d3:95d7:1425:766d",
		"10.0.642.0", "Chrome/13.0.782.41", "a1.2.3.4", "1a.2.3.4", "..1.2.3.4",
	}
	var b strings.Builder
	for range 1 + rng.IntN(40) {
		b.WriteString(frags[rng.IntN(len(frags))])
	}
	return b.String()
}

// TestFastPath checks that the fused fast path, with and without dotAVX
// and v6AVX, decides exactly as the general path on the table, the corpus,
// the benchmark log and on text built to sit on its edges.
func TestFastPath(t *testing.T) {
	inputs := knownTexts(t)
	logSize, nasty := edgeSizes()
	inputs = append(inputs, string(mixedLog(t, logSize)))
	inputs = append(inputs,
		// A ":port" of six digits before '(' (found by FuzzFastPath).
		"x A/1.2.3.4:123456(", "A/0.0.0.0:000000(",
		// A zone cut at 32 bytes leaves the floor inside the next address.
		"fe80::1%"+strings.Repeat("a", 30)+"-1.2.3.4 "+strings.Repeat(" ", 40),
		// A repeat that accept4 counts itself sets the floor too: the
		// general path must not read its run again from the start.
		"    src=1.2.3.4\n    src=1.2.3.4:80.9.9.9.9 \n"+strings.Repeat(" ", 64))
	for off := range 140 { // runs that cross block edges at every offset
		pad := strings.Repeat(" ", off)
		inputs = append(inputs, pad+"src=10.200.30.40:8080 b 1.2.3.4. c 100.100.100.100",
			pad+"x123.45.67.89 1.2.3.4.5 255.255.255.255/32")
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range nasty {
		inputs = append(inputs, nastyText(rng))
	}
	for range nasty {
		// Room around the text, so that dotAVX and v6AVX run at every
		// event.
		inputs = append(inputs, "    "+nastyText(rng)+strings.Repeat(" ", 64))
	}
	for _, in := range inputs {
		checkFastPath(t, in)
	}
}

// checkFastPath fails t unless the fast path, with and without dotAVX,
// v6AVX and the table's help (useSeen), finds what the general path finds
// in in.
func checkFastPath(t *testing.T, in string) {
	t.Helper()
	general := extractGeneral(in)
	if fast := ExtractString(in); !reflect.DeepEqual(fast, general) {
		t.Fatalf("%q:\n fast    %+v\n general %+v", in, fast.Hits, general.Hits)
	}
	if fast := withoutSeen(func() Result { return ExtractString(in) }); !reflect.DeepEqual(fast, general) {
		t.Fatalf("%q:\n fast without seen %+v\n general %+v", in, fast.Hits, general.Hits)
	}
	if !haveQuadAVX {
		return
	}
	defer func() { useDot, useV6 = true, true }()
	for _, c := range []struct {
		name      string
		dot, ipv6 bool
	}{{"without dotAVX", false, true}, {"without v6AVX", true, false}, {"without either", false, false}} {
		useDot, useV6 = c.dot, c.ipv6
		if fast := ExtractString(in); !reflect.DeepEqual(fast, general) {
			t.Fatalf("%q:\n fast %s %+v\n general %+v", in, c.name, fast.Hits, general.Hits)
		}
	}
}

func FuzzFastPath(f *testing.F) {
	for _, c := range extractCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkFastPath(t, in)
		checkFastPath(t, "    "+in+strings.Repeat(" ", 64))
	})
}

// TestSourceThenVersion: once an address has been seen as a source, accept4
// reads the key of its later occurrences only if notVersion cannot rule out
// a version key. Those still must not count, and the others must.
func TestSourceThenVersion(t *testing.T) {
	const a = "6.4.12.1"
	versions := []string{"version=", "ver: ", "fw_ver=", "v ", "build ", "Chrome/", "release-",
		`"version": "`, `"ver":"`, "版本号 ", "软件版本：", "firmware ", "rev=", "x_v="}
	others := []string{"dst=", "x ", "[", "host=", `"ip":"`, "client ", "addr: ", "target=", "from "}
	var sb strings.Builder
	sb.WriteString("    src=" + a + "\n")
	for k := range max(len(versions), len(others)) {
		if k < len(versions) {
			sb.WriteString("    " + versions[k] + a + "\n")
		}
		if k < len(others) {
			sb.WriteString("    " + others[k] + a + "\n")
		}
	}
	sb.WriteString(strings.Repeat(" ", 64))
	in := sb.String()
	want := Hit{Addr: mustAddr(a), Count: 1 + len(others), FirstLine: 1, Public: true, Role: RoleSource}
	for _, res := range []Result{ExtractString(in), withoutSeen(func() Result { return ExtractString(in) })} {
		if len(res.Hits) != 1 || res.Hits[0] != want {
			t.Errorf("%+v, want %+v", res.Hits, want)
		}
	}
}

// withoutSeen runs f with useSeen off.
func withoutSeen(f func() Result) Result {
	useSeen = false
	defer func() { useSeen = true }()
	return f()
}
