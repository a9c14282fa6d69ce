//go:build !amd64

package ioc

// special returns the index of the first NUL or non-ASCII byte of b, or
// len(b) when there is none; amd64 has an AVX2 version.
var special = specialGo
