package ioc

// quadAVX is quad16 with AVX2 for the 16 bytes at p, which must all be
// readable; tab is quadShuffles.
//
//go:noescape
func quadAVX(p *byte, n int, tab *[81][16]byte) (addr uint32, end int, ok bool)

// haveQuadAVX reports whether fast4 may read dotted quads with quadAVX.
var haveQuadAVX = hasAVX2()
