package ioc

// quadAVX is quad16 with AVX2 for the 16 bytes at p, which must all be
// readable; tab is quadShuffles.
//
//go:noescape
func quadAVX(p *byte, n int, tab *[81][16]byte) (addr uint32, end int, ok bool)

// haveQuadAVX reports whether fast4 may read dotted quads with quadAVX.
var haveQuadAVX = hasAVX2()

// dotAVX is fast4's reading of a plain dotted quad at the dot event p[4]
// with AVX2: the 32 bytes at p must all be readable. The low byte of r
// tells what it decided (see dotFallback); the next three are where the
// run starts, where the address ends and where the run ends, as indices
// from p. tab is quadShuffles.
//
//go:noescape
func dotAVX(p *byte, tab *[81][16]byte) (addr uint32, r uint32)
