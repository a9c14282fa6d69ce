package ioc

// quadAVX is quad16 with AVX2 for the 16 bytes at p, which must all be
// readable; tab is quadShuffles.
//
//go:noescape
func quadAVX(p *byte, n int, tab *[81][16]byte) (addr uint32, end int, ok bool)

// haveQuadAVX reports whether fast4 and fast6 may use the AVX2 readers.
var haveQuadAVX = hasAVX2()

// dotAVX is fast4's reading of a plain dotted quad at the dot event p[4]
// with AVX2: the 32 bytes at p must all be readable. When it reads an
// address, the low byte of r is 1 and the next three are where the run
// starts, where the address ends and where the run ends, as indices from
// p; otherwise r is 0. tab is quadShuffles.
//
//go:noescape
func dotAVX(p *byte, tab *[81][16]byte) (addr uint32, r uint32)

// v6AVX is parseV6 with AVX2 for a plain ASCII run in the most common
// shapes (see read_amd64.s): the 3 bytes before p and the 64 from p must
// be readable, and ip is where the address goes. The low byte of st tells
// what it decided (see v6Fallback). tab is quadShuffles.
//
//go:noescape
func v6AVX(p *byte, n int, ip *[16]byte, tab *[81][16]byte) (st uint32)
