package ioc

import "encoding/binary"

// specialGo is special eight bytes at a time.
func specialGo(b []byte) int {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		// High bit of a lane set for a byte >= 0x80 or a NUL byte.
		if (w|(w-lanes)&^w)&highLanes != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == 0 || c >= 0x80 {
			return i
		}
	}
	return i
}
