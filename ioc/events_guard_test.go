//go:build linux && amd64

package ioc

import (
	"slices"
	"syscall"
	"testing"
)

// TestScanChunkGuard runs the AVX2 block scan on text that ends right
// before a page the process may not read: reading past len(b) would crash.
func TestScanChunkGuard(t *testing.T) {
	if !hasAVX2() {
		t.Skip("no AVX2")
	}
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 4*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skip(err)
	}
	defer syscall.Munmap(mem)
	if err := syscall.Mprotect(mem[3*page:], syscall.PROT_NONE); err != nil {
		t.Skip(err)
	}
	text := mem[:3*page]
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
}
