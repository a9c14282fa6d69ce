package ioc

// eventsChunk is eventsChunkGo with AVX2: 32 bytes per instruction.
//
//go:noescape
func eventsChunk(b []byte, q, n, lo int, ev, run *[chunkCap]uint64) (nz uint64)

// hasAVX2 reports whether the processor and the OS support AVX2, and the
// processor POPCNT (which every processor with AVX2 has).
func hasAVX2() bool

// scanChunk is eventsChunk where the processor has AVX2.
var scanChunk = func() func(b []byte, q, n, lo int, ev, run *[chunkCap]uint64) uint64 {
	if hasAVX2() {
		return eventsChunk
	}
	return eventsChunkGo
}()
