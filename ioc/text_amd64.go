package ioc

//go:noescape
func specialAVX2(b []byte) int

// special returns the index of the first NUL or non-ASCII byte of b, or
// len(b) when there is none.
var special = func() func([]byte) int {
	if hasAVX2() {
		return specialAVX2
	}
	return specialGo
}()
