package ioc

// eventsFrom is eventsFromGo with AVX2: 32 bytes per instruction.
//
//go:noescape
func eventsFrom(b []byte, q, end int) (pos int, mask, run uint64)

// hasAVX2 reports whether the processor and the OS support AVX2.
func hasAVX2() bool

// scanBlocks is eventsFrom where the processor has AVX2.
var scanBlocks = func() func(b []byte, q, end int) (int, uint64, uint64) {
	if hasAVX2() {
		return eventsFrom
	}
	return eventsFromGo
}()
