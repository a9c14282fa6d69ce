package ioc

// Byte classes used around candidates: one 256-entry table answers every
// per-byte question without a function call. (The block scan uses its own
// classes, in events.go.)
const (
	cDigit  = 1 << iota // 0-9
	cHexL               // a-f A-F
	cWordL              // g-z G-Z _ : letters that cannot be in an address
	cOpen               // '[' '(' '{': may open a defang such as "[.]"
	cKeySep             // separators between a key and its value: space tab = : " ' >
	cKeyCh              // characters of an ASCII key: letters digits _ - .
	cSep                // '.' ':'
	cClose              // ']' ')' '}'

	cHex  = cDigit | cHexL
	cWord = cHex | cWordL // a byte of an ASCII word: an address cannot start right after one
)

var cls = func() (t [256]uint16) {
	for c := '0'; c <= '9'; c++ {
		t[c] |= cDigit | cKeyCh
	}
	for c := 'a'; c <= 'z'; c++ {
		k := uint16(cWordL)
		if c <= 'f' {
			k = cHexL
		}
		t[c] |= k | cKeyCh
		t[c-'a'+'A'] |= k | cKeyCh
	}
	t['_'] |= cWordL | cKeyCh
	t['-'] |= cKeyCh
	t['.'] |= cKeyCh
	t[':'] |= cKeySep | cSep
	t['.'] |= cSep
	for _, c := range "])}" {
		t[c] |= cClose
	}
	for _, c := range "[({" {
		t[c] |= cOpen
	}
	for _, c := range " \t=\"'>" {
		t[c] |= cKeySep
	}
	return t
}()

// hexVal maps an ASCII hex digit to its value and anything else to 0xFF.
var hexVal = func() (t [256]uint8) {
	for i := range t {
		t[i] = 0xFF
	}
	for c := 0; c < 10; c++ {
		t['0'+c] = uint8(c)
	}
	for c := 0; c < 6; c++ {
		t['a'+c] = uint8(10 + c)
		t['A'+c] = uint8(10 + c)
	}
	return t
}()

// lower folds an ASCII letter to lower case.
func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// wideAlnumAt reports whether b[i:] starts with a full-width digit or Latin
// letter (U+FF10-FF19, U+FF21-FF3A, U+FF41-FF5A).
func wideAlnumAt(b []byte, i int) bool {
	if i+2 >= len(b) || b[i] != 0xEF {
		return false
	}
	c1, c2 := b[i+1], b[i+2]
	return c1 == 0xBC && (0x90 <= c2 && c2 <= 0x99 || 0xA1 <= c2 && c2 <= 0xBA) ||
		c1 == 0xBD && 0x81 <= c2 && c2 <= 0x9A
}

// wideAlnumBefore reports whether the three bytes before i are a full-width
// digit or Latin letter.
func wideAlnumBefore(b []byte, i, lo int) bool {
	return i-3 >= lo && wideAlnumAt(b, i-3)
}
