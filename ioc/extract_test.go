package ioc

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
)

// TestCountsAndRoles checks Count, Role, FirstLine and Lines, streamed and
// in place, against a plain map on text with many more distinct addresses
// than the recent cache holds, some very frequent, so that entries gather
// counts and get evicted.
func TestCountsAndRoles(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	pool := make([]netip.Addr, 3*recentSize)
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

// TestRecentCountFull: an address repeated more often than a recent-cache
// entry can count is flushed into its hit, not wrapped around.
func TestRecentCountFull(t *testing.T) {
	if math.MaxInt == math.MaxInt32 {
		t.Skip("Hit.Count is 32 bits here")
	}
	tb := &table{v4: make(map[uint32]int32), v6: make(map[[16]byte]int32)}
	f := found{a4: 0x01020304, role: RoleDest}
	tb.add(&f, 1)
	tb.recent[recentSlot(f.a4)].count = math.MaxInt32 - 1
	for range 3 {
		if !tb.repeat(&f) && !tb.count(&f) {
			t.Fatal("a known address was not counted")
		}
	}
	res := tb.result(newStreamBytes(nil))
	full := int64(math.MaxInt32)
	if want := int(full + 3); len(res.Hits) != 1 || res.Hits[0].Count != want || res.Hits[0].Role != RoleDest {
		t.Fatalf("hits %+v, want one with count %d", res.Hits, want)
	}
}
