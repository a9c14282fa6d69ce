package ioc

// maxRun bounds a candidate in normalized characters. The longest accepted
// form, an IPv6 address with an embedded IPv4 address and a port, is 51.
const maxRun = 64

// Kinds of separators, recorded so that a Chinese full stop ending a
// sentence right after an ASCII-dotted address is not read as its fifth dot.
const (
	sepASCII  uint8 = iota
	sepWide         // ． ：
	sepStop         // 。
	sepDefang       // [.] (.) {.} [dot] 【.】 …
)

// run is one candidate after normalization: only hex digits, '.' and ':'.
// A plain ASCII run is a slice of the input; a run with full-width or
// defanged characters is copied into buf.
type run struct {
	s     []byte // normalized characters
	n     int    // len(s)
	ascii bool   // s is b[start:start+n]: raw offsets are start+index
	start int
	over  bool // a group or the run was too long to be (part of) an address
	buf   [maxRun]byte
	end   [maxRun]int   // raw offset just after each normalized character
	kind  [maxRun]uint8 // separator kind, for '.' and ':'
}

// rawEnd is the raw offset just after the first k normalized characters.
func (r *run) rawEnd(k int) int {
	if r.ascii || k == 0 {
		return r.start + k
	}
	return r.end[k-1]
}

// kindAt is the kind of the separator at normalized index p.
func (r *run) kindAt(p int) uint8 {
	if r.ascii {
		return sepASCII
	}
	return r.kind[p]
}

// collect reads the run at b[i:] and returns the raw offset where it stops.
// Plain ASCII runs, nearly all of them, take the fast path: the run is a
// slice of b. A run that meets a byte that may start a full-width or
// defanged character is read again by collectWide. The parsers reject
// groups too long for an address.
//
// j is where the ASCII run ends when the caller knows it (-1 otherwise).
func (r *run) collect(b []byte, i, j int) int {
	r.start, r.over, r.ascii = i, false, true
	end := min(len(b), i+maxRun)
	if j < 0 || j > end {
		j = i
		for j < end && cls[b[j]]&(cHex|cSep) != 0 {
			j++
		}
	}
	if j < len(b) {
		if c := b[j]; c >= 0x80 || cls[c]&cOpen != 0 {
			return r.collectWide(b, i)
		} else if j == end && cls[c]&(cHex|cSep) != 0 {
			r.over = true
			return j
		}
	}
	r.s, r.n = b[i:j], j-i
	return j
}

// collectWide is collect for runs with full-width or defanged characters.
// It reads at most maxRun*maxWidth bytes: the scanner's look-ahead budget
// relies on that.
func (r *run) collectWide(b []byte, i int) int {
	r.ascii, r.n = false, 0
	for i < len(b) {
		c, w, k := b[i], 1, sepASCII
		switch {
		case cls[c]&(cHex|cSep) != 0:
		case c >= 0x80:
			c, w, k = wideChar(b, i)
		case cls[c]&cOpen != 0:
			c, w = defang(b, i)
			k = sepDefang
		default:
			c = 0
		}
		if c == 0 {
			break
		}
		if r.n == maxRun {
			r.over = true
			break
		}
		i += w
		r.buf[r.n], r.end[r.n], r.kind[r.n] = c, i, k
		r.n++
	}
	r.s = r.buf[:r.n]
	return i
}

// maxWidth is the most raw bytes one normalized character takes: 【dot】.
const maxWidth = 9

// wideChar decodes a full-width digit, hex letter, dot or colon, an
// ideographic full stop, or a full-width defang such as 【.】 at b[i].
// It returns c == 0 when b[i:] is none of these.
func wideChar(b []byte, i int) (c byte, w int, k uint8) {
	if i+2 >= len(b) {
		return 0, 0, 0
	}
	c0, c1, c2 := b[i], b[i+1], b[i+2]
	switch {
	case c0 == 0xEF && c1 == 0xBC:
		switch {
		case 0x90 <= c2 && c2 <= 0x99:
			return '0' + c2 - 0x90, 3, sepWide
		case 0xA1 <= c2 && c2 <= 0xA6:
			return 'A' + c2 - 0xA1, 3, sepWide
		case c2 == 0x8E:
			return '.', 3, sepWide
		case c2 == 0x9A:
			return ':', 3, sepWide
		}
	case c0 == 0xEF && c1 == 0xBD && 0x81 <= c2 && c2 <= 0x86:
		return 'a' + c2 - 0x81, 3, sepWide
	case c0 == 0xE3 && c1 == 0x80 && c2 == 0x82:
		return '.', 3, sepStop
	}
	c, w = defang(b, i)
	return c, w, sepDefang
}

// defang decodes a bracketed dot or colon at b[i]: an opening bracket
// ( [ { （ ［ ｛ 【 〔, then . ． 。 dot DOT : or ：, then the matching
// closing bracket. It returns c == 0 when b[i:] is not one.
func defang(b []byte, i int) (c byte, w int) {
	closing, j := openBracket(b, i)
	if j == 0 {
		return 0, 0
	}
	c, n := defangInner(b, j)
	if c == 0 {
		return 0, 0
	}
	j += n
	if j+len(closing) > len(b) || string(b[j:j+len(closing)]) != closing {
		return 0, 0
	}
	return c, j + len(closing) - i
}

// openBracket returns the closing bracket that matches an opening bracket at
// b[i], and the offset just after the opening one (0 when there is none).
func openBracket(b []byte, i int) (closing string, j int) {
	switch b[i] {
	case '[':
		return "]", i + 1
	case '(':
		return ")", i + 1
	case '{':
		return "}", i + 1
	}
	if i+2 >= len(b) {
		return "", 0
	}
	switch string(b[i : i+3]) {
	case "（":
		return "）", i + 3
	case "［":
		return "］", i + 3
	case "｛":
		return "｝", i + 3
	case "【":
		return "】", i + 3
	case "〔":
		return "〕", i + 3
	}
	return "", 0
}

// defangInner decodes what a defang bracket holds.
func defangInner(b []byte, j int) (c byte, n int) {
	if j >= len(b) {
		return 0, 0
	}
	switch b[j] {
	case '.':
		return '.', 1
	case ':':
		return ':', 1
	case 'd', 'D':
		if j+2 < len(b) && lower(b[j+1]) == 'o' && lower(b[j+2]) == 't' {
			return '.', 3
		}
		return 0, 0
	}
	if j+2 >= len(b) {
		return 0, 0
	}
	switch string(b[j : j+3]) {
	case "．", "。":
		return '.', 3
	case "：":
		return ':', 3
	}
	return 0, 0
}
