//go:build !amd64

package ioc

const haveQuadAVX = false

func quadVec(b []byte, s, n int) (uint32, int, bool) { panic("unreachable") }
