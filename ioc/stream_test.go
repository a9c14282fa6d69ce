package ioc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
)

// extractWith runs the streaming extractor with a given buffer size.
func extractWith(r io.Reader, size int) (Result, error) {
	s := newStream(r, size)
	res, err := extract(s, Options{})
	if err == nil {
		err = s.err
	}
	return res, err
}

// streamInputs are texts whose results must not depend on buffer size or
// read pattern: the corpus, long lines, candidates across every offset.
func streamInputs(t *testing.T) map[string]string {
	t.Helper()
	var corpus strings.Builder
	for _, c := range loadCorpus(t) {
		corpus.WriteString(c.Line)
		corpus.WriteByte('\n')
	}
	var cases strings.Builder
	for _, c := range extractCases {
		cases.WriteString(c.in)
		cases.WriteString(" | ")
	}
	long := strings.Repeat("x", 200000) + " 8.8.8.8 " + strings.Repeat("1.2.", 50000) + " 9.9.9.9"
	return map[string]string{
		"corpus":    corpus.String(),
		"cases":     cases.String(),
		"long line": long,
		"hex blob":  strings.Repeat("deadbeef", 40000) + ":1.2.3.4 5.6.7.8",
		"chinese":   strings.Repeat("源IP：１.２.３.４，目的IP：5.6.7.8。", 3000),
	}
}

// TestBudgets: a scanner step must fit in the unscanned tail a refill
// keeps, and look-back in the scanned text it keeps.
func TestBudgets(t *testing.T) {
	if maxStep+64 >= tail || lookBack+8 >= keepBack || maxRun > 64 {
		t.Errorf("maxStep %d, tail %d, lookBack %d, keepBack %d", maxStep, tail, lookBack, keepBack)
	}
}

// TestStreamMatchesString: whatever the buffer size or read pattern, the
// streaming extractor reports exactly what the in-memory one does.
func TestStreamMatchesString(t *testing.T) {
	for name, in := range streamInputs(t) {
		want := ExtractString(in)
		if name == "corpus" && len(want.Hits) < 300 {
			t.Fatalf("corpus: only %d hits", len(want.Hits))
		}
		readers := map[string]func() io.Reader{
			"plain":    func() io.Reader { return strings.NewReader(in) },
			"one byte": func() io.Reader { return iotest.OneByteReader(strings.NewReader(in)) },
			"half":     func() io.Reader { return iotest.HalfReader(strings.NewReader(in)) },
		}
		for rname, mk := range readers {
			for _, size := range []int{1300, 1777, 4096, bufSize} {
				if rname == "one byte" && size != 1300 && name != "cases" {
					continue // slow; one size is enough
				}
				got, err := extractWith(mk(), size)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s, %s reader, buffer %d: results differ from ExtractString\n got %d hits, %d lines\nwant %d hits, %d lines",
						name, rname, size, len(got.Hits), got.Lines, len(want.Hits), want.Lines)
					diffHits(t, got.Hits, want.Hits)
				}
			}
		}
	}
}

func diffHits(t *testing.T, got, want []Hit) {
	t.Helper()
	for i := range min(len(got), len(want)) {
		if got[i] != want[i] {
			t.Errorf("first difference at %d: got %+v, want %+v", i, got[i], want[i])
			return
		}
	}
}

// TestResultFields checks counts, first lines, bytes, lines, MaxUnique and
// the public/private split.
func TestResultFields(t *testing.T) {
	in := "a 8.8.8.8\nb 10.0.0.1 8.8.8.8\n\nc 1.1.1.1 192.168.1.1 8.8.8.8"
	r, err := Extract(strings.NewReader(in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []Hit{
		{Addr: mustAddr("8.8.8.8"), Count: 3, FirstLine: 1, Public: true},
		{Addr: mustAddr("10.0.0.1"), Count: 1, FirstLine: 2},
		{Addr: mustAddr("1.1.1.1"), Count: 1, FirstLine: 4, Public: true},
		{Addr: mustAddr("192.168.1.1"), Count: 1, FirstLine: 4},
	}
	if !reflect.DeepEqual(r.Hits, want) {
		t.Errorf("hits %+v\nwant %+v", r.Hits, want)
	}
	if r.Lines != 4 || r.Bytes != int64(len(in)) || r.Binary || r.Truncated {
		t.Errorf("lines %d bytes %d binary %v truncated %v", r.Lines, r.Bytes, r.Binary, r.Truncated)
	}
	if got := r.Public(); len(got) != 2 || got[0].Addr != want[0].Addr || got[1].Addr != want[2].Addr {
		t.Errorf("Public() = %+v", got)
	}
	if r.Private() != 2 {
		t.Errorf("Private() = %d", r.Private())
	}
	r, _ = Extract(strings.NewReader(in), Options{MaxUnique: 2})
	if len(r.Hits) != 2 || !r.Truncated || r.Hits[0].Count != 3 {
		t.Errorf("MaxUnique 2: %+v truncated %v", r.Hits, r.Truncated)
	}
	r, _ = Extract(strings.NewReader("8.8.8.8\n"), Options{LineOffset: 10})
	if r.Hits[0].FirstLine != 11 || r.Lines != 1 {
		t.Errorf("LineOffset: %+v, %d lines", r.Hits, r.Lines)
	}
	if r := ExtractString(""); r.Lines != 0 || len(r.Hits) != 0 {
		t.Errorf("empty: %+v", r)
	}
}

// TestBinary: NUL bytes or mostly invalid UTF-8 set Binary; IPs in text
// parts are still found and random bytes invent none.
func TestBinary(t *testing.T) {
	tests := []struct {
		in     string
		binary bool
		want   string
	}{
		{"\x7fELF\x02\x01\x00\x00 host=1.2.3.4 \x00\x00", true, "1.2.3.4"},
		{strings.Repeat("\xff\xfe\xc0\x80", 100) + " 1.2.3.4", true, "1.2.3.4"},
		{"日志 1.2.3.4 正常", false, "1.2.3.4"},
		{"caf\xe9 1.2.3.4", false, "1.2.3.4"},
		{string(pseudoRandom(1 << 20)), true, ""},
	}
	for _, tt := range tests {
		r, err := Extract(strings.NewReader(tt.in), Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, h := range r.Hits {
			got = append(got, h.Addr.String())
		}
		if r.Binary != tt.binary || strings.Join(got, " ") != tt.want {
			t.Errorf("%.20q…: binary %v hits %v, want %v %q", tt.in, r.Binary, got, tt.binary, tt.want)
		}
	}
}

// pseudoRandom returns n reproducible random bytes.
func pseudoRandom(n int) []byte {
	b := make([]byte, n)
	x := uint64(88172645463325252)
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x)
	}
	return b
}

// TestScanLines reports each unique IP of each line, in order.
func TestScanLines(t *testing.T) {
	in := "8.8.8.8 1.1.1.1 8.8.8.8\n\n10.0.0.1\n" + strings.Repeat("9.9.9.9 ", 40) + strings.Repeat("x", 5000) + "\n1.1.1.1"
	var got []string
	err := ScanLines(strings.NewReader(in), func(line int, a netipAddr) error {
		got = append(got, itoa(line)+"\t"+a.String())
		return nil
	})
	want := []string{"1\t8.8.8.8", "1\t1.1.1.1", "3\t10.0.0.1", "4\t9.9.9.9", "5\t1.1.1.1"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ScanLines = %v, %v; want %v", got, err, want)
	}
	stop := errors.New("stop")
	n := 0
	err = ScanLines(strings.NewReader(in), func(int, netipAddr) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("error from fn: %v after %d calls", err, n)
	}
	err = ScanLines(iotest.ErrReader(io.ErrUnexpectedEOF), func(int, netipAddr) error { return nil })
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("read error: %v", err)
	}
	if _, err := Extract(io.MultiReader(strings.NewReader("8.8.8.8 "), iotest.ErrReader(io.ErrClosedPipe)), Options{}); !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("Extract read error: %v", err)
	}
}

// TestManyUniquePerLine exercises the map behind the per-line set.
func TestManyUniquePerLine(t *testing.T) {
	var b bytes.Buffer
	for i := range 100 {
		b.WriteString("10.0.0." + itoa(i) + " 10.0.0." + itoa(i) + " ")
	}
	n := 0
	if err := ScanLines(&b, func(int, netipAddr) error { n++; return nil }); err != nil || n != 100 {
		t.Errorf("%d unique reported, err %v", n, err)
	}
}

// TestBinaryAcrossReads puts NUL bytes, valid Chinese and invalid UTF-8 at
// every kind of place in a long log read in odd pieces, and checks Binary
// and the hits against a byte-by-byte reference.
func TestBinaryAcrossReads(t *testing.T) {
	line := []byte("Oct 11 22:14:15 fw01 kernel: DROP SRC=203.0.114.7 DST=10.0.0.5 攻击IP 8.8.8.8\n")
	base := bytes.Repeat(line, 1500) // about 130 KB: two buffers and more
	cases := []struct {
		name   string
		mutate func(b []byte)
		binary bool
	}{
		{"text", func([]byte) {}, false},
		{"NUL at 0", func(b []byte) { b[0] = 0 }, true},
		{"NUL in the middle", func(b []byte) { b[len(b)/2+17] = 0 }, true},
		{"NUL last", func(b []byte) { b[len(b)-1] = 0 }, true},
		{"a few invalid bytes", func(b []byte) { b[100], b[70000], b[len(b)-2] = 0xFF, 0xC3, 0x80 }, false},
		{"mostly invalid, text at the end", func(b []byte) {
			for i := 0; i < len(b)*3/4; i += 2 {
				b[i] = 0xFE
			}
		}, true},
	}
	for _, c := range cases {
		b := bytes.Clone(base)
		c.mutate(b)
		for _, r := range []io.Reader{bytes.NewReader(b), iotest.HalfReader(bytes.NewReader(b)), iotest.OneByteReader(bytes.NewReader(b))} {
			got, err := Extract(r, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Binary != c.binary {
				t.Errorf("%s (%T): Binary = %v, want %v", c.name, r, got.Binary, c.binary)
			}
			if len(got.Hits) < 2 {
				t.Errorf("%s (%T): hits %v", c.name, r, got.Hits)
			}
		}
		if got := ExtractString(string(b)); got.Binary != c.binary {
			t.Errorf("%s: ExtractString Binary = %v, want %v", c.name, got.Binary, c.binary)
		}
	}
}

// TestOnLine checks that Extract and ExtractBytes report each line's unique
// IPs as ScanLines does, and stop with the callback's error.
func TestOnLine(t *testing.T) {
	// 1.2.3.4 is a source from its first occurrence: with OnLine set its
	// repeats must still be reported, not counted in place (table.run).
	in := "a src=1.2.3.4 b 1.2.3.4 5.6.7.8\nnone\n9.9.9.9 [::1]:80\n1.2.3.4\n"
	type pair struct {
		line int
		addr string
	}
	var want []pair
	if err := ScanLines(strings.NewReader(in), func(line int, a netip.Addr) error {
		want = append(want, pair{line, a.String()})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(want) != 5 {
		t.Fatalf("ScanLines: %v", want)
	}
	stop := errors.New("stop")
	run := map[string]func(Options) (Result, error){
		"Extract":      func(o Options) (Result, error) { return Extract(strings.NewReader(in), o) },
		"ExtractBytes": func(o Options) (Result, error) { return ExtractBytes([]byte(in), o) },
	}
	for name, f := range run {
		var got []pair
		res, err := f(Options{LineOffset: 10, OnLine: func(line int, a netip.Addr) error {
			got = append(got, pair{line - 10, a.String()})
			return nil
		}})
		if err != nil || !reflect.DeepEqual(got, want) || len(res.Hits) != 4 || res.Hits[0].FirstLine != 11 {
			t.Errorf("%s: %v %v %+v, want %v", name, got, err, res.Hits, want)
		}
		calls := 0
		res, err = f(Options{OnLine: func(int, netip.Addr) error {
			if calls++; calls == 3 {
				return stop
			}
			return nil
		}})
		if err != stop || calls != 3 {
			t.Errorf("%s: error %v after %d calls, want stop after 3", name, err, calls)
		}
		// The hits up to the stop, with the repeat of 1.2.3.4 counted.
		var got2 []string
		for _, h := range res.Hits {
			got2 = append(got2, fmt.Sprintf("%v×%d", h.Addr, h.Count))
		}
		if want2 := "1.2.3.4×2 5.6.7.8×1 9.9.9.9×1"; strings.Join(got2, " ") != want2 {
			t.Errorf("%s: hits at the stop %v, want %s", name, got2, want2)
		}
	}
}

// TestInvalidCount checks the count of invalid UTF-8 bytes, the figure
// behind Binary, against a rune-by-rune reference on Chinese text with
// invalid bytes and cut sequences at random places, scanned in place and
// streamed with odd buffer sizes and read patterns: a character cut at a
// check point must be neither lost nor counted twice.
func TestInvalidCount(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 1))
	var b []byte
	for len(b) < 200<<10 {
		switch rng.IntN(12) {
		case 0:
			b = append(b, 0xFF) // never valid
		case 1:
			b = append(b, "源IP"[:1+rng.IntN(2)]...) // a cut sequence
		case 2:
			b = append(b, " 1.2.3.4 "...)
		default:
			b = append(b, "攻击者地址，目的端口 abc "...)
		}
	}
	want := 0
	for r := b; len(r) > 0; {
		c, size := utf8.DecodeRune(r)
		if c == utf8.RuneError && size == 1 {
			want++
		}
		r = r[size:]
	}
	check := func(name string, s *stream) {
		t.Helper()
		if _, err := extract(s, Options{}); err != nil {
			t.Fatal(err)
		}
		if s.invalid != int64(want) || s.nul {
			t.Errorf("%s: %d invalid bytes (nul %v), want %d", name, s.invalid, s.nul, want)
		}
	}
	check("in place", newStreamBytes(b))
	for _, size := range []int{1300, 1777, bufSize} {
		check(fmt.Sprintf("buffer %d", size), newStream(bytes.NewReader(b), size))
		check(fmt.Sprintf("half reads, buffer %d", size), newStream(iotest.HalfReader(bytes.NewReader(b)), size))
	}
	check("one byte reads", newStream(iotest.OneByteReader(bytes.NewReader(b)), 1300))
}
