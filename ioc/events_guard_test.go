//go:build linux && amd64

package ioc

import (
	"slices"
	"strings"
	"syscall"
	"testing"
)

// guarded returns two pages of writable memory right before a page the
// process may not read, and, with before, right after another one.
func guarded(t *testing.T, before bool) []byte {
	t.Helper()
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 4*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Munmap(mem) })
	guards := [][]byte{mem[3*page:]}
	if before {
		guards = append(guards, mem[:page])
	}
	for _, p := range guards {
		if err := syscall.Mprotect(p, syscall.PROT_NONE); err != nil {
			t.Fatal(err)
		}
	}
	return mem[page : 3*page]
}

// TestScanChunkGuard runs the AVX2 block scan, the AVX2 text pass and a
// whole in-place extraction on text that ends right before a page the
// process may not read: reading past len(b) would crash. It is skipped only
// where the AVX2 code cannot run at all.
func TestScanChunkGuard(t *testing.T) {
	needAVX2(t)
	text := guarded(t, false)
	for i := range text {
		text[i] = "1.2:3:4.5::6[.]7\xe3"[i%17]
	}
	var ev, run, wev, wrun [chunkCap]uint64
	for n := 1; n <= chunkBlocks; n++ {
		for _, q := range []int{len(text) - (n+1)*blockSize, len(text) - (n+1)*blockSize - 7} {
			nz := eventsChunk(text, q, n, 0, &ev, &run)
			wnz := eventsChunkGo(text, q, n, 0, &wev, &wrun)
			if nz != wnz || !slices.Equal(ev[:n], wev[:n]) || !slices.Equal(run[:n], wrun[:n]) {
				t.Fatalf("n %d q %d: AVX2 and Go differ", n, q)
			}
		}
	}
	// Outside the contract it reads nothing.
	if nz := eventsChunk(text, len(text)-2*blockSize+1, 1, 0, &ev, &run); nz != 0 {
		t.Errorf("past the end: %b", nz)
	}
	if nz := eventsChunk(text, 0, 1, -1, &ev, &run); nz != eventsChunkGo(text, 0, 1, 0, &wev, &wrun) {
		t.Errorf("lo -1: %b", nz)
	}
	// The text pass and a whole in-place extraction stop at the end too.
	for k := len(text) - 130; k <= len(text); k++ {
		if got, want := special(text[k:]), specialGo(text[k:]); got != want {
			t.Fatalf("special at %d: %d, want %d", k, got, want)
		}
	}
	copy(text[len(text)-9:], " 8.8.8.8\n")
	res, _ := ExtractBytes(text, Options{})
	if n := len(res.Hits); n == 0 || res.Hits[n-1].Addr.String() != "8.8.8.8" {
		t.Errorf("ExtractBytes next to the guard page: %v, want 8.8.8.8 last", res.Hits)
	}
}

// TestAVXReadersGuard runs dotAVX and v6AVX, and whole extractions, on
// text between two pages the process may not read, with the readers'
// windows ending at the text's end and starting at its start: a read
// outside their contracts would crash.
func TestAVXReadersGuard(t *testing.T) {
	needAVX2(t)
	text := guarded(t, true)
	fill := func() {
		for i := range text {
			text[i] = ' '
		}
	}
	fill()
	// dotAVX reads p[0:32]: at the text's end, and at its start.
	for _, p := range []int{len(text) - 32, 0} {
		copy(text[p:], "  10.20.30.40 ")
		if _, r := dotAVX(&text[p], &quadShuffles); r == 0 {
			t.Errorf("dotAVX at %d: not read", p)
		}
	}
	// v6AVX reads p[-3:64].
	fill()
	for _, s := range []int{len(text) - 64, 3} {
		run := "1:db8::1" // a short first group: read from p[-3]
		copy(text[s:], run)
		var ip [16]byte
		if st := v6AVX(&text[s], len(run), &ip, &quadShuffles); st&0xff != v6Accept {
			t.Errorf("v6AVX at %d: st %#x", s, st)
		}
	}
	// An IPv4 address too far into the run for QUAD's 16 bytes to stay
	// within the 64: left to parseV6.
	fill()
	run := strings.Repeat("1:", 26) + "1.2.3.4"
	s := len(text) - 64
	copy(text[s:], run)
	var ip [16]byte
	if st := v6AVX(&text[s], len(run), &ip, &quadShuffles); st&0xff != v6Fallback {
		t.Errorf("v6AVX, IPv4 at %d in the run: st %#x", 2*26, st)
	}
	// Whole extractions with addresses at every offset near either end.
	for _, form := range []string{"8.8.8.8", "2001:db8::1", "1:db8::1"} {
		for k := 1; k <= 80; k++ {
			fill()
			copy(text[len(text)-k-len(form):], form)
			copy(text[k:], form)
			res, _ := ExtractBytes(text, Options{})
			if len(res.Hits) != 1 || res.Hits[0].Addr.String() != form || res.Hits[0].Count != 2 {
				t.Fatalf("%s %d bytes from either end: %+v", form, k, res.Hits)
			}
		}
	}
}
