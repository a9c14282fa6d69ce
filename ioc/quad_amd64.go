package ioc

// quadAVX is quad16 for the 16 bytes at p with AVX: tab is quadShuffles.
//
//go:noescape
func quadAVX(p *byte, n int, tab *[81][16]byte) (addr uint32, end int, ok bool)

// haveQuadAVX reports whether quad16 may use quadAVX.
var haveQuadAVX = hasAVX2()
