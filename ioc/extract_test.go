package ioc

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
)

// TestCountsAndRoles checks Count, Role, FirstLine and Lines, streamed and
// in place, against a plain map on text with many more distinct addresses
// than an address set starts with, some very frequent, so that the sets
// grow several times while their slots gather counts.
func TestCountsAndRoles(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	pool := make([]netip.Addr, 12<<setMinBits)
	for i := range pool {
		pool[i] = netip.AddrFrom4([4]byte{byte(1 + rng.IntN(223)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))})
	}
	type want struct {
		count, first int
		roles        uint8
	}
	wants := map[netip.Addr]*want{}
	var sb strings.Builder
	for line := 1; line <= 40000; line++ {
		a := pool[rng.IntN(len(pool))]
		if rng.IntN(2) == 0 {
			a = pool[rng.IntN(8)] // busy addresses
		}
		role := Role(rng.IntN(3))
		key := [...]string{"host ", "src=", "dst="}[role]
		fmt.Fprintf(&sb, "%s%s x\n", key, a)
		w := wants[a]
		if w == nil {
			w = &want{first: line}
			wants[a] = w
		}
		w.count++
		w.roles |= 1 << role
	}
	streamed, err := Extract(strings.NewReader(sb.String()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	inPlace, _ := ExtractBytes([]byte(sb.String()), Options{})
	for name, res := range map[string]Result{"Extract": streamed, "ExtractBytes": inPlace} {
		if len(res.Hits) != len(wants) || res.Lines != 40000 {
			t.Fatalf("%s: %d hits, %d lines; want %d, 40000", name, len(res.Hits), res.Lines, len(wants))
		}
		for _, h := range res.Hits {
			w := wants[h.Addr]
			if w == nil || h.Count != w.count || h.FirstLine != w.first || h.Role != roleOf(w.roles) {
				t.Fatalf("%s: %v: count %d line %d role %v, want %+v", name, h.Addr, h.Count, h.FirstLine, h.Role, w)
			}
		}
	}
}

// TestTallyFull: an address repeated more often than a slot can count is
// moved into its hit, not wrapped around, for IPv4 and IPv6 alike.
func TestTallyFull(t *testing.T) {
	for _, f := range []found{
		{a4: 0x01020304, role: RoleDest},
		{v6: true, a16: netip.MustParseAddr("2001:db8::1").As16(), role: RoleDest},
	} {
		tb := newTable(0)
		tb.add(&f, 1)
		full := &tb.v4.slots[tb.v4.find(f.a4)].n
		if f.v6 {
			full = &tb.v6.find(&f.a16).n
		}
		*full = tallyFull - 8 | *full&7 // as if seen tallyFull>>3 - 1 times: one from full
		for range 3 {
			if !tb.repeat(&f) && !tb.count(&f) { // as extract counts
				t.Fatal("a known address was not counted")
			}
		}
		res := tb.result(newStreamBytes(nil))
		want := int(tallyFull>>3) + 2 // then three more
		if len(res.Hits) != 1 || res.Hits[0].Count != want || res.Hits[0].Role != RoleDest {
			t.Fatalf("hits %+v, want one with count %d, role destination", res.Hits, want)
		}
	}
}

// TestTallyFullSkipped: the repeats of a source address that accept4 counts
// in its slot itself (scanner.tally) stop at a full tally, which
// table.count then spills, and go on after it.
func TestTallyFullSkipped(t *testing.T) {
	tb := newTable(0)
	f := found{a4: 0x01020304, role: RoleSource}
	tb.add(&f, 1)
	n := &tb.v4.slots[tb.v4.find(f.a4)].n
	*n = tallyFull - 16 | *n&7 // two from full
	in := strings.Repeat("    src=1.2.3.4\n", 5) + strings.Repeat(" ", 64)
	res, err := tb.run(newStreamBytes([]byte(in)), Options{})
	want := int((tallyFull-16)>>3) + 5
	if err != nil || len(res.Hits) != 1 || res.Hits[0].Count != want || res.Hits[0].Role != RoleSource {
		t.Fatalf("hits %+v (%v), want one with count %d, role source", res.Hits, err, want)
	}
}
