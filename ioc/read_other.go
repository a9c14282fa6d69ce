//go:build !amd64

package ioc

const haveQuadAVX = false

func quadAVX(p *byte, n int, tab *[81][16]byte) (uint32, int, bool) { panic("unreachable") }

func dotAVX(p *byte, tab *[81][16]byte) (uint32, uint32) { panic("unreachable") }

func v6AVX(p *byte, n int, ip *[16]byte, tab *[81][16]byte) uint32 { panic("unreachable") }
