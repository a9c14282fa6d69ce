package ioc

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"slices"
)

// keyKind is what the text just before a candidate says about it.
type keyKind uint8

const (
	keyNone keyKind = iota
	keySource
	keyDest
	keyVersion // a version key or a Product/x.y.z.w token: not an address
)

// lookBack bounds how far before a candidate the scanner reads. The streaming
// reader keeps at least this much of the previous buffer.
const lookBack = 96

// maxKey bounds the length of a key in bytes.
const maxKey = 32

// maxReach bounds how far before a value keyBefore reads: six separators
// ("：" takes 3 bytes), a key, a space and the word before it. The word
// paths of keyAt rely on it to leave lo unclamped.
const maxReach = 6*3 + maxKey + 1 + maxKey

const _ uint = lookBack - maxReach // lookBack >= maxReach

// The key lists, folded: lower case, without _ - and '.' (see foldBack), so
// that "Src_IP", "src-ip" and "source.ip" match "srcip" and "sourceip".
// They are the single source of truth: keyWords is built from them.
var (
	// sourceKeys name the source side of a connection.
	sourceKeys = []string{
		"src", "srcip", "srcaddr", "srcaddress", "srchost", "ipsrc",
		"source", "sourceip", "sourceaddr", "sourceaddress", "sourcehost",
		"sip", "saddr", "client", "clientip", "clientaddr", "clientaddress", "cip",
		"remote", "remoteaddr", "remoteaddress", "remoteip", "remotehost", "rhost",
		"attacker", "attackerip", "attackip", "from", "xforwardedfor", "xrealip", "realip",
	}
	// destKeys name the destination side.
	destKeys = []string{
		"dst", "dstip", "dstaddr", "dstaddress", "dsthost", "ipdst",
		"destination", "destinationip", "destinationaddr", "destinationaddress", "destinationhost",
		"dest", "destip", "destaddr", "dip", "daddr", "target", "targetip", "targethost",
		"victim", "victimip", "serverip", "serveraddr", "to",
	}
	// addrWords are bare "IP"/"address" words that need the word before
	// them to say whose address it is ("Source IP: …", "client address …").
	addrWords = []string{"ip", "ipv4", "ipv6", "addr", "address", "ipaddr", "ipaddress", "host"}
	// versionWords announce a version when they are the last segment of a
	// key ("fw_ver", "build").
	versionWords = []string{"v", "ver", "vers", "version", "build", "fw", "firmware", "release", "rev", "revision"}
	// versionSuffixes announce a version when a key ends in them
	// ("appversion", "软件版本号").
	versionSuffixes = []string{"version", "版本", "版本号"}
)

// cjkRoles are Chinese keys, matched as suffixes since Chinese text has no
// spaces between words ("攻击者IP", "发现攻击源").
var cjkRoles = [...]struct {
	suffix string
	kind   keyKind
}{
	{"源ip", keySource}, {"源地址", keySource}, {"攻击ip", keySource}, {"攻击者", keySource},
	{"攻击源", keySource}, {"攻击地址", keySource}, {"来源", keySource}, {"客户端ip", keySource},
	{"客户端地址", keySource}, {"来自", keySource}, {"从", keySource},
	{"目的ip", keyDest}, {"目的地址", keyDest}, {"目标ip", keyDest}, {"目标地址", keyDest},
	{"目标", keyDest}, {"目的", keyDest}, {"受害ip", keyDest}, {"受害者", keyDest},
	{"受害地址", keyDest}, {"服务器ip", keyDest}, {"服务端ip", keyDest},
}

// keyBefore classifies the key that labels the value starting at b[i]:
// a key, then up to six separators (space, tab, = : ： " ' >), then the
// value. It never reads before lo.
//
// The key is the run of at most maxKey key bytes (ASCII letters, digits,
// _ - . and any non-ASCII byte) before the separators. It is folded (lower
// case, without _ - and '.') and then:
//   - a bare address word preceded by a space takes the word before it too:
//     "Source IP" folds to "sourceip";
//   - it is a version key if its last segment (after the last _ - or '.') is
//     one of versionWords or if it ends in one of versionSuffixes;
//   - otherwise it names a side if it is one of sourceKeys or destKeys, or,
//     holding non-ASCII bytes, if it ends in one of cjkRoles.
//
// keyBefore runs for every address found, so it is built for the common
// cases: most values follow a byte that cannot end a key nor separate one
// from its value (small enough to be inlined), and most keys are ASCII
// letters and digits, read in place a word at a time (keyAt; up to 15
// bytes with _ - and '.' in wordKeyAt). A longer key, or one with _ - '.'
// or non-ASCII bytes, is first tested by the letters and digits it ends in:
// most (host names, hex strings) end no listed word and name nothing
// (keyTails). Keys that cannot be read in place are folded into a buffer
// (foldedKey). Either way a key is looked up with one probe of a perfect
// hash table (keyWords).
//
// The decision above (two words, then version, then side, then Chinese) is
// written out in three places, one per way of reading the key: classifyKey,
// the end of wordKeyAt, and foldedKey. Change them together; the
// differential tests against keyBeforeRef catch a mismatch.
func keyBefore(b []byte, i, lo int) keyKind {
	if i > lo && leadByte[b[i-1]] {
		return keyAt(b, i, lo)
	}
	// ',' '(' '[' a letter or digit...: only "release-" or a Chinese key
	// may touch its value.
	return keyNone
}

// notVersion reports true only if no version key labels a value that
// follows the six bytes q: keyBefore(b, i, lo) is not keyVersion for q =
// b[i-6:i] and any lo <= i-6 (the caller checks that q starts at or after
// lo). It reads no more than q, takes no branch on it, and is small enough
// to be inlined; false means there may be one. It counts the separators
// before i as keyAt does (up to three) and then looks up the two bytes
// before them, c1 and c, in noVersion:
//   - Every version key, ASCII or not, folds to a word whose last byte is
//     in versionTail; a key that ends in an ASCII letter or digit keeps
//     it, lower-cased, as its last byte.
//   - If c1 is one too, the key ends in both, and so does its last segment
//     (versionSegTails).
//   - If c1 is in no key, the key is c alone.
//
// Anything else (a '/' or '-' before the value, a key that ends in _ - '.'
// or a non-ASCII byte, four separators or more) is for keyBefore to
// decide.
func notVersion(q *[6]byte) bool {
	// The separators, a bit each: bit k for q[5-k].
	m := sepBit[q[5]] | sepBit[q[4]]<<1 | sepBit[q[3]]<<2
	n := uint(trailingOnes3[m]) & 3 // the separators, up to three (& 3 drops the bounds checks)
	k := uint(q[4-n]) | uint(q[5-n])<<8 | uint(m&1)<<16
	return noVersion[k>>6]>>(k&63)&1 != 0
}

// trailingOnes3 counts the trailing ones of a byte, up to three.
var trailingOnes3 = func() (t [256]uint8) {
	for m := range t {
		t[m] = uint8(min(3, bits.TrailingZeros8(^uint8(m))))
	}
	return t
}()

// sepBit is 1 for the separators of keyByte (kbSep), else 0.
var sepBit = func() (t [256]uint8) {
	for c := range t {
		if keyByte[c]&kbSep != 0 {
			t[c] = 1
		}
	}
	return t
}()

// noVersion is notVersion's table. Bit k is set when a value after the
// bytes c1 = byte(k) and c = byte(k>>8) has no version key: right after
// them when k>>16 is 0, after one to three separators when it is 1.
var noVersion = func() (t [1 << 11]uint64) {
	for k := 0; k < 1<<17; k += 256 { // a row of 256 bits, one per c1
		row := t[k>>6:][:4]
		switch no, byC1 := noVersionAfter(byte(k>>8), k>>16 != 0); {
		case no:
			row[0], row[1], row[2], row[3] = ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)
		case byC1:
			for c1 := range 256 {
				if noVersionSeg(byte(c1), byte(k>>8)) {
					row[c1>>6] |= 1 << (c1 & 63)
				}
			}
		}
	}
	return t
}()

// noVersionAfter is the rule behind noVersion for the byte c before the
// value, or before its separators: whether there is no version key, or
// whether that depends on the byte before c (noVersionSeg).
func noVersionAfter(c byte, seps bool) (no, byC1 bool) {
	x := keyByte[c]
	switch {
	case !seps:
		return !leadByte[c], false // keyBefore's first test
	case x&kbSep != 0:
		return false, false // a fourth separator: keyAt counts on
	case x&(kbKeep|kbCut) == 0:
		return true, false // no key before the separators
	case x&(kbKeep|kbHigh) != kbKeep:
		return false, false // _ - '.' or non-ASCII: folding may drop or join it
	case !versionTail[byte(x)]:
		return true, false
	}
	return false, true
}

// noVersionSeg is noVersionAfter for a key that ends in c, an ASCII letter
// or digit in versionTail, after c1.
func noVersionSeg(c1, c byte) bool {
	x, y := keyByte[c], keyByte[c1]
	switch {
	case y&(kbKeep|kbHigh) == kbKeep:
		return !versionSegTails[string([]byte{byte(y), byte(x)})]
	case y&(kbKeep|kbCut) == 0:
		return !versionSegTails[string([]byte{byte(x)})]
	}
	return false
}

// versionSegTails holds the last two bytes of each version word and ASCII
// version suffix, and the version words of one byte: a key whose last two
// bytes are ASCII letters or digits ends a version key only if they are
// here, and a key of one such byte is one only if it is here.
var versionSegTails = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range [][]string{versionWords, versionSuffixes} {
		for _, s := range l {
			if len(s) <= 2 {
				m[s] = true
			} else if s[len(s)-1] < 0x80 {
				m[s[len(s)-2:]] = true
			}
		}
	}
	return m
}()

// keyAt is keyBefore after its first test.
func keyAt(b []byte, i, lo int) keyKind {
	if i-16 < lo {
		return keyNear(b, i, max(lo, i-lookBack))
	}
	// Past this point nothing reads before i-lookBack (see maxReach): lo
	// needs no clamping.
	// The 16 bytes before i end with a product name's '/' or with up to
	// six separators, tested one by one, unrolled; x is the keyByte entry
	// of the byte before them.
	q, t := (*[16]byte)(b[i-16:i]), &keyByte
	var n int // separators
	var x uint16
	if x = t[q[15]]; x&kbSep == 0 {
		if q[15] == '/' {
			return productKey(b, i, lo)
		}
	} else if x = t[q[14]]; x&kbSep == 0 {
		n = 1
	} else if x = t[q[13]]; x&kbSep == 0 {
		n = 2
	} else if x = t[q[12]]; x&kbSep == 0 {
		n = 3
	} else if x = t[q[11]]; x&kbSep == 0 {
		n = 4
	} else if x = t[q[10]]; x&kbSep == 0 {
		n = 5
	} else {
		n, x = 6, t[q[9]]
	}
	if x&(kbKeep|kbCut) == 0 {
		return keyNone // no key: ',' '(' '[' ...
	}

	// Most keys are up to 7 ASCII letters and digits: the top bytes of
	// the word before the separators, above its last byte that is not
	// one (at bit h, its high bit), which is loaded too.
	v := binary.LittleEndian.Uint64(q[8-n&7 : 16-n&7]) // n&7 == n, and no bounds check
	plain := plainLanes(v)
	h := lastLane(^plain & highLanes)
	if h < 0 {
		// 8 bytes or more. Unless its last 8 end a listed word, the
		// key names nothing (see mayEndWith).
		if !keyTails.mayEndWith(v | lowerLanes) {
			return keyNone
		}
		return wordKeyAt(b, i-n, lo, v, plain)
	}
	c := byte(v >> (h & 56)) // the byte before the key, or before w
	w := (v | lowerLanes) & (^uint64(0) << h << 1)
	if keyByte[c]&(kbKeep|kbCut) != 0 {
		// A key with _ - . or non-ASCII bytes before its last letters
		// and digits, w, if any. Its last segment ends in w: unless
		// w ends a listed word, it names nothing.
		if h == 63 {
			if c == 0x9A && n < 6 {
				return keyNear(b, i, lo) // maybe after "："
			}
		} else if !keyTails.mayEndWith(w) {
			return keyNone
		}
		return wordKeyAt(b, i-n, lo, v, plain)
	}
	// Not h == 63: the byte before the separators is in the key (x).
	e := keyWords.short(w)
	if e.flags&kwAddr != 0 && c == ' ' {
		// "Source IP"
		m := (63 - h) >> 3
		if k := i - n - m; k-1 > lo {
			if r, ok := withWordBefore(b, lo, k-1, w, 0, m, e.kind == keyVersion); ok {
				return r
			}
			return foldedKey(b, i-n, lo)
		}
	}
	// The key is its own last segment, and too short to end in a version
	// suffix unless it is one (see asciiVersionSuffixes).
	return e.kind
}

// keyNear is keyAt reading one byte at a time up to the key: near lo, or
// when "：" may separate the key from its value.
func keyNear(b []byte, i, lo int) keyKind {
	if b[i-1] == '/' {
		return productKey(b, i, lo)
	}
	j := skipSeps(b, i, lo)
	if j-8 < lo {
		return foldedKey(b, j, lo)
	}
	v := binary.LittleEndian.Uint64(b[j-8 : j])
	return wordKeyAt(b, j, lo, v, plainLanes(v))
}

// productKey is keyAt for a value after a '/': a version after a product
// name ("Chrome/113.0.0.0").
func productKey(b []byte, i, lo int) keyKind {
	if productBefore(b, i-1, lo) {
		return keyVersion
	}
	return keyNone
}

// wordKeyAt is keyAt for keys longer than 7 bytes or holding _ - '.' or
// non-ASCII bytes. v is the word before j, j-8 >= lo, and plain its
// plainLanes. Keys of up to 15 bytes, the common case, are read in place
// here, two words at most, and folded in registers; longer ones are read
// by readKey (wideKeyAt), and keys neither can read (non-ASCII, cut by
// lo) by foldedKey.
func wordKeyAt(b []byte, j, lo int, v, plain uint64) keyKind {
	// The key is the bytes of v above bit h, or all of v and the bytes of
	// v1, the word before it, above bit h: the byte at h is the first
	// before the key. w0 and w1 hold the key in lower case, zero filled,
	// p0 and p1 mark its letters and digits, and c0 and c1 its _ - and
	// '.' (as high bits, see plainLanes and cutLanes).
	p0, c0 := plain, cutLanes(v)
	var w0, w1, p1, c1 uint64
	n := 0 // the key's length in b, then folded
	if h := lastLane(^(p0 | c0) & highLanes); h >= 0 {
		if v>>h&1 != 0 {
			return foldedKey(b, j, lo) // the byte before is not ASCII: it is in the key
		}
		m := ^uint64(0) << h << 1
		w0, p0, c0 = (v|lowerLanes)&m, p0&m, c0&m
		n = (63 - h) >> 3
	} else {
		if j-16 < lo {
			return foldedKey(b, j, lo) // too close to lo
		}
		v1 := binary.LittleEndian.Uint64(b[j-16 : j-8])
		p1, c1 = plainLanes(v1), cutLanes(v1)
		h := lastLane(^(p1 | c1) & highLanes)
		if h < 0 {
			return wideKeyAt(b, j, lo, v, plain)
		}
		if v1>>h&1 != 0 {
			return foldedKey(b, j, lo)
		}
		m := ^uint64(0) << h << 1
		w0, w1, p1, c1 = v|lowerLanes, (v1|lowerLanes)&m, p1&m, c1&m
		n = 8 + (63-h)>>3
	}
	k := j - n // where the key starts
	if c0|c1 != 0 {
		// Drop the _ - and '.' as readKey does.
		for c := c1; c != 0; c &= c - 1 {
			w1 = dropLane(w1, c)
		}
		for c := c0; c != 0; c &= c - 1 {
			w0 = dropLane(w0, c) | w1>>56
			w1 <<= 8
		}
		if n -= countLanes(c0) + countLanes(c1); n == 0 {
			return keyNone // only _ - .
		}
	}
	// Whether it is a version key, tested only if it ends in a byte that
	// a version key can end in. A bare address word (below) ends in
	// the same bytes as the key it is joined with, so this also tells
	// withWordBefore whether that key's last segment is a version word.
	version := versionTail[w0>>56] && (segVersion(w0, n, p0, p1, c0, c1) || endsVersionASCII(w0))
	kw := keyWords.lookup(w0, w1, 0)
	if kw&kwAddr != 0 && k-1 > lo && b[k-1] == ' ' {
		// "Source IP"; n < 16.
		if r, ok := withWordBefore(b, lo, k-1, w0, w1, n, version); ok {
			return r
		}
		return foldedKey(b, j, lo)
	}
	if version {
		return keyVersion
	}
	return keyKind(kw & kwRole) // an ASCII key: no Chinese role
}

// segVersion reports whether the last segment of a key of up to 15 bytes
// read by wordKeyAt is one of versionWords: the kept bytes after its last
// _ - or '.' that is followed by a kept byte, or the whole key if there is
// none. w0 is the folded key's last 8 bytes and n its length; p0, p1, c0
// and c1 mark its letters and digits and its _ - and '.' in its last word
// and the word before.
func segVersion(w0 uint64, n int, p0, p1, c0, c1 uint64) bool {
	seg := n // one segment
	if last := c0 & (p0 >> 8); last != 0 {
		// As usual, that cut byte is in the last word.
		seg = countLanes(p0 >> ((64 - bits.LeadingZeros64(last)) & 63))
	} else if last := c1 & (p1>>8 | p0<<56); last != 0 {
		// In the word before, whose top byte is followed by the first
		// of the last word.
		seg = countLanes(p0) + countLanes(p1>>8>>((56-bits.LeadingZeros64(last))&63))
	}
	// Version words have at most 8 bytes (see versionTail).
	return seg <= 8 && keyWords.lookup(w0&tailMask(seg), 0, 0)&kwVersion != 0
}

// wideKeyAt is wordKeyAt for keys of 16 bytes or more.
func wideKeyAt(b []byte, j, lo int, v, plain uint64) keyKind {
	w0, w1, w2, n, seg, k, ok := readKey(b, j, lo, v, plain)
	if !ok {
		return foldedKey(b, j, lo)
	}
	if n == 0 {
		return keyNone // only _ - .
	}
	return classifyKey(b, j, lo, k, w0, w1, w2, n, seg)
}

// classifyKey classifies the key b[k:j] read in place: folded, it is n
// bytes, 1 <= n, given as the three words lookup takes, and its last
// segment is seg bytes.
func classifyKey(b []byte, j, lo, k int, w0, w1, w2 uint64, n, seg int) keyKind {
	var kw uint8
	if n <= maxWord {
		kw = keyWords.lookup(w0, w1, w2) // zero filled
	}
	// The last segment of the key: all of it unless it holds _ - or '.'.
	lastSegVersion := kw&kwVersion != 0
	if seg != n {
		lastSegVersion = keyWords.lookupTop(w0, w1, w2, seg)&kwVersion != 0
	}
	if kw&kwAddr != 0 && n < 16 && k-1 > lo && b[k-1] == ' ' {
		// "Source IP"
		if r, ok := withWordBefore(b, lo, k-1, w0, w1, n, lastSegVersion); ok {
			return r
		}
		return foldedKey(b, j, lo)
	}
	if lastSegVersion || endsVersionASCII(w0) {
		return keyVersion
	}
	return keyKind(kw & kwRole) // an ASCII key: no Chinese role
}

// withWordBefore classifies a bare address word of n folded bytes, w0 and
// w1 (see tailMask), preceded by a space at b[e], together with the word
// before it: "Source IP: …", "client address …". lastSegVersion tells whether
// the address word's last segment is a version word. It reports false if
// that word is for foldedKey to read.
func withWordBefore(b []byte, lo, e int, w0, w1 uint64, n int, lastSegVersion bool) (keyKind, bool) {
	if e-8 < lo {
		return keyNone, false
	}
	// The word before, as in keyAt.
	v := binary.LittleEndian.Uint64(b[e-8 : e])
	plain := plainLanes(v)
	var x0, x1, x2 uint64
	var m int
	if h := lastLane(^plain & highLanes); h >= 0 && keyByte[byte(v>>(h&56))]&(kbKeep|kbCut) == 0 {
		x0, m = (v|lowerLanes)&(^uint64(0)<<h<<1), (63-h)>>3
	} else {
		// The word before goes on before its last letters and
		// digits, which with w end the joined key: unless they end
		// a listed word, it names nothing (see mayEndWith).
		if t := (v | lowerLanes) & (^uint64(0) << uint(h+1)); n < 8 && !lastSegVersion && !keyTails.mayEndWith(w0|t>>(8*n)) {
			return keyNone, true
		}
		var ok bool
		if x0, x1, x2, m, _, _, ok = readKey(b, e, lo, v, plain); !ok {
			return keyNone, false
		}
	}
	// Join them: shift x down past the n bytes of w, 1 <= n < 16.
	var w2 uint64
	if s := uint(8*n) & 127; s < 64 {
		w0 |= x0 >> s
		w1 |= x1>>s | x0<<((64-s)&63)
		w2 = x2>>s | x1<<((64-s)&63)
	} else {
		s -= 64
		w1 |= x0 >> s
		w2 = x1>>s | x0<<(64-s)
	}
	n += m
	if lastSegVersion || endsVersionASCII(w0) {
		return keyVersion, true
	}
	if n > maxWord {
		return keyNone, true
	}
	return keyKind(keyWords.lookup(w0, w1, w2) & kwRole), true
}

// readKey reads the key that ends at b[j] in place, 8 bytes at a time, and
// folds it in registers. v is the word before j, j-8 >= lo, and plain its
// plainLanes. It returns the folded key as the three words lookup takes,
// zero filled (see tailMask), its length n, the length of its last segment
// and where it starts in b. It reports false, leaving the key to
// foldedKey, unless the key is ASCII, shorter than 24 bytes and the byte
// before it is loaded too (not before lo), which makes sure the key starts
// there.
func readKey(b []byte, j, lo int, v, plain uint64) (w0, w1, w2 uint64, n, seg, start int, ok bool) {
	// The key is the top r0 bytes of v0, then the top r1 of v1 and r2 of
	// v2 before them; m0, m1 and m2 mask them.
	v0, cut0 := v, cutLanes(v)
	key0 := plain | cut0
	var v1, key1, cut1, v2, key2, cut2 uint64
	var m0, m1, m2 uint64 = ^uint64(0), 0, 0
	r := runLanes(key0)
	n = r
	switch {
	case r < 8:
		m0 = shortLanes(r)
	case j-16 < lo:
		return 0, 0, 0, 0, 0, 0, false // too close to lo
	default:
		v1 = binary.LittleEndian.Uint64(b[j-16 : j-8])
		cut1 = cutLanes(v1)
		key1 = plainLanes(v1) | cut1
		r = runLanes(key1)
		n += r
		v = v1
		switch {
		case r < 8:
			m1 = shortLanes(r)
		case j-24 < lo:
			return 0, 0, 0, 0, 0, 0, false // too close to lo
		default:
			m1 = ^uint64(0)
			v2 = binary.LittleEndian.Uint64(b[j-24 : j-16])
			cut2 = cutLanes(v2)
			key2 = plainLanes(v2) | cut2
			r = runLanes(key2)
			if r == 8 {
				return 0, 0, 0, 0, 0, 0, false // 24 bytes or more
			}
			n += r
			v = v2
			m2 = shortLanes(r)
		}
	}
	if keyByte[b[j-n-1]]&kbHigh != 0 {
		return 0, 0, 0, 0, 0, 0, false // the byte before is not ASCII: it is in the key
	}
	start, seg = j-n, n
	w0 = (v0 | lowerLanes) & m0
	w1 = (v1 | lowerLanes) & m1
	w2 = (v2 | lowerLanes) & m2
	cut0, cut1, cut2 = cut0&m0, cut1&m1, cut2&m2
	if cut0|cut1|cut2 == 0 {
		return w0, w1, w2, n, seg, start, true
	}
	kept0 := key0 & m0 &^ cut0
	if last := cut0 & (kept0 >> 8); last != 0 {
		// As usual, the last segment starts in the last word: it is
		// its kept bytes above the last cut byte followed by one.
		seg = bits.OnesCount64(kept0 >> ((64 - bits.LeadingZeros64(last)) & 63))
	} else {
		seg = lastSegment(kept0, key1&m1&^cut1, key2&m2&^cut2, cut0, cut1, cut2, n)
	}
	// Drop the _ - and '.', from the first one, so that dropping one
	// never moves those still to drop: the bytes before each move up
	// one, and the words below carry up a byte.
	for ; cut2 != 0; cut2 &= cut2 - 1 {
		w2 = dropLane(w2, cut2)
		n--
	}
	for ; cut1 != 0; cut1 &= cut1 - 1 {
		w1 = dropLane(w1, cut1) | w2>>56
		w2 <<= 8
		n--
	}
	for ; cut0 != 0; cut0 &= cut0 - 1 {
		w0 = dropLane(w0, cut0) | w1>>56
		w1 = w1<<8 | w2>>56
		w2 <<= 8
		n--
	}
	return w0, w1, w2, n, seg, start, true
}

// dropLane drops from w its byte at the lowest bit set in cut, a high bit
// (see cutLanes): the bytes below it move up one, and the lowest becomes 0.
func dropLane(w, cut uint64) uint64 {
	low := (cut&-cut)<<1 - 1 // the dropped byte and those below
	return w<<8&low | w&^low
}

// lastSegment returns the length of the last segment of a key of n bytes
// read by readKey: its kept bytes after the last _ - or '.' that is
// followed by a kept byte. kept and cut mark its kept bytes and its _ - and
// '.' as high bits (see plainLanes and cutLanes), last word first.
func lastSegment(kept0, kept1, kept2, cut0, cut1, cut2 uint64, n int) int {
	// A bit per byte, the last on top.
	kept := laneBits(kept0)<<16 | laneBits(kept1)<<8 | laneBits(kept2)
	cut := laneBits(cut0)<<16 | laneBits(cut1)<<8 | laneBits(cut2)
	if last := cut & (kept >> 1); last != 0 {
		return bits.OnesCount32(kept >> bits.Len32(last))
	}
	return n - bits.OnesCount32(cut) // no cut byte is followed by a kept one
}

const (
	lanes      = 0x0101010101010101
	highLanes  = 0x80 * lanes
	lowerLanes = 0x20 * lanes // setting bit 5 of an ASCII letter or digit folds it
)

// plainLanes returns the high bit of each byte of v that is an ASCII letter
// or digit.
func plainLanes(v uint64) uint64 {
	// Each lane is a byte; x holds its low 7 bits, so that adding at most
	// 0x80 to a lane never carries into the next. x + (0x80-lo) sets the
	// lane's high bit if x >= lo, x + (0x7F-hi) if x > hi.
	x := v &^ highLanes
	y := x | lowerLanes
	letter := (y + (0x80-'a')*lanes) &^ (y + (0x7F-'z')*lanes)
	digit := (x + (0x80-'0')*lanes) &^ (x + (0x7F-'9')*lanes)
	return (letter | digit) &^ v & highLanes
}

// cutLanes returns the high bit of each byte of v that is _ - or '.'.
func cutLanes(v uint64) uint64 {
	x := v &^ highLanes // see plainLanes
	dashDot := (x + (0x80-'-')*lanes) &^ (x + (0x7F-'.')*lanes)
	under := ^((x ^ '_'*lanes) + 0x7F*lanes) // x == '_'
	return (dashDot | under) &^ v & highLanes
}

// lastLane returns the high bit of the last byte of a word that has it set
// in m, which has no other bit set: 8*x+7 for byte x, or -1 if there is
// none.
func lastLane(m uint64) int {
	return bits.Len64(m) - 1
}

// countLanes returns how many bytes of a word have their high bit set in m,
// which has no other bit set. Unlike bits.OnesCount64, it needs no test
// for the POPCNT instruction, whose fallback call would make its callers
// save their registers.
func countLanes(m uint64) int {
	return int((m >> 7) * lanes >> 56)
}

// runLanes returns how many of the top bytes of a word (the last bytes of a
// little-endian load) have their bit set in key: 8 if all have.
func runLanes(key uint64) int {
	return bits.LeadingZeros64(^key&highLanes) >> 3
}

// shortLanes keeps the top m bytes of a word, 0 <= m < 8.
func shortLanes(m int) uint64 {
	return ^(^uint64(0) >> (8 * uint(m) & 63))
}

// laneBits packs the high bits of the bytes of m into a byte, bit x for byte x.
func laneBits(m uint64) uint32 {
	return uint32((m >> 7) * 0x0102040810204080 >> 56)
}

// foldedKey classifies the key ending at b[j] like keyAt, folding it (and
// the word before it, for "Source IP") into a buffer.
func foldedKey(b []byte, j, lo int) keyKind {
	var buf keyBuf
	k, p, flags := foldBack(b, j, lo, &buf, len(buf))
	n := len(buf) - p
	if n == 0 {
		return keyNone // no key, or only _ - .
	}
	kw := buf.flags(n)

	// The last segment of the key: all of it unless it holds _ - or '.'.
	lastSegVersion := kw&kwVersion != 0
	if flags&kbCut != 0 {
		if m := segLen(b[k:j]); m != n {
			lastSegVersion = buf.flags(m)&kwVersion != 0
		}
	}

	if kw&kwAddr != 0 && k-1 > lo && b[k-1] == ' ' {
		// "Source IP: …", "client address …": classify both words.
		var f2 uint16
		_, p, f2 = foldBack(b, k-1, lo, &buf, p)
		n = len(buf) - p
		kw = buf.flags(n)
		flags |= f2
	}

	if lastSegVersion || endsVersion(buf.word(0), n, buf[p:]) {
		return keyVersion
	}
	if r := keyKind(kw & kwRole); r != keyNone || flags&kbHigh == 0 {
		return r
	}
	return keyCJK(buf[p:])
}

// skipSeps walks back from i over at most six separators between a key and
// its value.
func skipSeps(b []byte, i, lo int) int {
	j := i
	for n := 0; n < 6 && j > lo; n++ {
		if keyByte[b[j-1]]&kbSep != 0 {
			j--
		} else if j-3 >= lo && b[j-1] == 0x9A && string(b[j-3:j]) == "：" {
			j -= 3
		} else {
			break
		}
	}
	return j
}

// keyByte describes each byte around a key. A byte in a key (ASCII letters,
// digits, _ - . and any non-ASCII byte) has kbKeep and its lower-case form
// in the low bits if folding keeps it, or kbCut for _ - and '.', which
// folding drops and which end a segment. kbSep marks the separators between
// a key and its value, kbLead the bytes that may precede a value that has a
// key: separators, '-' ("release-"), non-ASCII bytes (Chinese keys, "：")
// and '/' (a product name).
var keyByte = func() (t [256]uint16) {
	for c := range 256 {
		switch {
		case c >= 0x80:
			t[c] = kbKeep | kbHigh | kbLead | uint16(c)
		case c == '_' || c == '.':
			t[c] = kbCut
		case c == '-':
			t[c] = kbCut | kbLead
		case cls[c]&cKeySep != 0:
			t[c] = kbSep | kbLead
		case c == '/':
			t[c] = kbLead // "Chrome/113.0.0.0"
		case cls[c]&cKeyCh != 0:
			t[c] = kbKeep | uint16(lower(byte(c)))
		}
	}
	return t
}()

// leadByte holds kbLead of keyByte, so that keyBefore's first test is
// small enough to be inlined.
var leadByte = func() (t [256]bool) {
	for c := range t {
		t[c] = keyByte[c]&kbLead != 0
	}
	return t
}()

const (
	kbKeep = 1 << 15 // kept by folding; must be the top bit (see foldInto)
	kbCut  = 1 << 14 // _ - . : dropped by folding
	kbHigh = 1 << 13 // a non-ASCII byte
	kbSep  = 1 << 12 // a separator between a key and its value
	kbLead = 1 << 11 // may precede a value that has a key
)

// keyStart returns where the key ending at j starts: at most maxKey key
// bytes, none before lo.
func keyStart(b []byte, j, lo int) int {
	key := b[max(lo, j-maxKey):j]
	x := len(key)
	for x > 0 && keyByte[key[x-1]]&(kbKeep|kbCut) != 0 {
		x--
	}
	return j - len(key) + x
}

// keyBuf holds a folded key right-aligned: one word of up to maxKey bytes,
// or an address word and the word before it.
type keyBuf [2 * maxKey]byte

// foldBack reads the key that ends at b[j] backwards (at most maxKey bytes,
// none before lo) and writes it folded, in lower case and without _ - and
// '.', into buf just before buf[p]. It returns where the key starts, where
// the folded key starts in buf, and the union of the keyByte entries of its
// bytes.
func foldBack(b []byte, j, lo int, buf *keyBuf, p int) (k, q int, flags uint16) {
	key := b[max(lo, j-maxKey):j]
	x := len(key)
	for x > 0 {
		t := keyByte[key[x-1]]
		if t&(kbKeep|kbCut) == 0 {
			break
		}
		flags |= t
		// Branch-free: a dropped byte writes 0 and keeps p, so the next
		// kept byte overwrites it. p-1 >= 0: each byte uses at most one
		// slot, and the two words of a key have at most len(buf) bytes.
		buf[(p-1)&(len(buf)-1)] = byte(t)
		p -= int(t >> 15)
		x--
	}
	return j - len(key) + x, p, flags
}

// segLen returns the folded length of the last segment of key: its kept
// bytes after the last _ - or '.' that is followed by one.
func segLen(key []byte) int {
	j := len(key)
	for j > 0 && keyByte[key[j-1]]&kbCut != 0 {
		j--
	}
	e := j
	for j > 0 && keyByte[key[j-1]]&kbCut == 0 {
		j--
	}
	return e - j
}

// productBefore reports whether the '/' at b[slash] ends a user-agent product
// name such as "Chrome" in "Chrome/113.0.0.0": a word starting with a letter
// that is not itself a path component (no '/' before it).
func productBefore(b []byte, slash, lo int) bool {
	k := keyStart(b, slash, lo)
	if k == slash || cls[b[k]]&(cHexL|cWordL) == 0 || b[k] == '_' {
		return false
	}
	return k == lo || b[k-1] != '/'
}

// endsVersion reports whether a folded key of n bytes ends in one of
// versionSuffixes. last is the key's last 8 bytes as a word (see tailMask);
// key is the whole key, needed only if it ends in a non-ASCII byte.
func endsVersion(last uint64, n int, key []byte) bool {
	if last < 0x80<<56 {
		// The suffixes that end in an ASCII byte ("version"), each
		// compared as one word.
		for _, s := range asciiVersionSuffixes {
			if last&s.mask == s.w && n >= s.n {
				return true
			}
		}
		return false
	}
	for _, s := range versionSuffixes {
		if bytes.HasSuffix(key, []byte(s)) {
			return true
		}
	}
	return false
}

// endsVersionASCII is endsVersion for an ASCII key: last is its last 8
// folded bytes, zero filled (see tailMask) so that a key shorter than a
// suffix cannot match it.
func endsVersionASCII(last uint64) bool {
	s := &asciiVersionSuffixes
	return versionTail[last>>56] && (last&s[0].mask == s[0].w || last&s[1].mask == s[1].w)
}

// versionTail tells the last bytes of versionWords and versionSuffixes: a
// key that ends in any other byte is not a version key.
var versionTail = func() (t [256]bool) {
	for _, l := range [][]string{versionWords, versionSuffixes} {
		for _, s := range l {
			t[s[len(s)-1]] = true
		}
	}
	for _, s := range versionWords {
		if len(s) > 8 {
			panic("ioc: version word longer than 8 bytes: " + s) // see segVersion
		}
	}
	return t
}()

// asciiVersionSuffixes are the entries of versionSuffixes that end in an
// ASCII byte, as their length, and their bytes and mask in the last word
// of a key that ends in them. Unused entries match nothing.
var asciiVersionSuffixes = func() (out [2]struct {
	n       int
	w, mask uint64
}) {
	for x := range out {
		out[x].w = 1 // != 0, any word & 0
	}
	x := 0
	for _, s := range versionSuffixes {
		if s == "" || s[len(s)-1] >= 0x80 {
			continue
		}
		if len(s) > 8 || !isFolded(s) || x == len(out) {
			panic("ioc: bad version suffix " + s)
		}
		// keyAt takes a key of at most 7 ASCII letters and digits for
		// a version key only if it is a version word: it must not be
		// able to end in a suffix otherwise.
		if len(s) < 7 || len(s) == 7 && !slices.Contains(versionWords, s) {
			panic("ioc: version suffix " + s + " is short enough to end a key of 7 bytes but is not a version word")
		}
		out[x].n, out[x].w, out[x].mask = len(s), wordOf(s)[0], tailMask(len(s))
		x++
	}
	return out
}()

// keyCJK matches a folded key against cjkRoles.
func keyCJK(key []byte) keyKind {
	for _, r := range cjkRoles {
		if bytes.HasSuffix(key, []byte(r.suffix)) {
			return r.kind
		}
	}
	return keyNone
}

// Flags of a word in keyWords. A word's role is its keyKind.
const (
	kwSource  = uint8(keySource) // one of sourceKeys
	kwDest    = uint8(keyDest)   // one of destKeys
	kwRole    = kwSource | kwDest
	kwAddr    = 1 << 2 // one of addrWords
	kwVersion = 1 << 3 // one of versionWords
)

// keyTails filters the keys that can name something by how they end.
var keyTails = newTailFilter()

// tailFilter is a filter of the ends of the listed keys: a bit set for
// each suffix of 1 to 8 bytes of every word of sourceKeys, destKeys,
// addrWords, versionWords and versionSuffixes and every suffix of
// cjkRoles, given as a word (see tailMask). A bit is shared by several
// words, but a word whose bit is clear ends no listed word.
type tailFilter [1 << (tailBits - 6)]uint64

const tailBits = 13

func newTailFilter() (f *tailFilter) {
	f = new(tailFilter)
	lists := [][]string{sourceKeys, destKeys, addrWords, versionWords, versionSuffixes}
	for _, r := range cjkRoles {
		// A Chinese key is told by its non-ASCII bytes: a key that
		// ends in ASCII letters alone must not end in one (mayEndWith).
		if !slices.ContainsFunc([]byte(r.suffix), func(c byte) bool { return c >= 0x80 }) {
			panic("ioc: Chinese key without a non-ASCII byte: " + r.suffix)
		}
		lists = append(lists, []string{r.suffix})
	}
	for _, l := range lists {
		for _, s := range l {
			for m := 1; m <= min(8, len(s)); m++ {
				h := tailHash(wordOf(s[len(s)-m:])[0])
				f[h>>6] |= 1 << (h & 63)
			}
		}
	}
	return f
}

func tailHash(w uint64) uint64 {
	return w * 0x9E3779B97F4A7C15 >> (64 - tailBits)
}

// mayEndWith tells whether a key that ends in w, up to 8 ASCII letters
// and digits given as a word (see tailMask), may name something: whether
// w ends a listed word or ends in an ASCII version suffix. If it does not,
// and if the key's last segment, or its last 8 bytes, end in w, the key
// names nothing: folded, it is no listed word and ends in no listed
// suffix, and its last segment is no version word.
func (f *tailFilter) mayEndWith(w uint64) bool {
	h := tailHash(w)
	return f[h>>6]>>(h&63)&1 != 0 || endsVersionASCII(w)
}

// keyWords holds every word of sourceKeys, destKeys, addrWords and
// versionWords with its flags.
var keyWords = newWordTable(
	wordList{sourceKeys, kwSource},
	wordList{destKeys, kwDest},
	wordList{addrWords, kwAddr},
	wordList{versionWords, kwVersion},
)

// maxWord bounds the length of the words in a wordTable.
const maxWord = 24

// wordTable is a perfect hash table of short words: each word has its own
// slot, so a lookup is one hash, one probe and one comparison. A word is
// held as three 64-bit words (see tailMask).
type wordTable struct {
	seed  uint64
	slot  [1 << wordTableBits]uint8 // index into entry, 0 for none
	entry [256]wordEntry            // entry[0] is the empty word, flags 0
}

const wordTableBits = 10

type wordEntry struct {
	w0, w1, w2 uint64
	flags      uint8
	kind       keyKind // of a key that is this word alone: keyVersion for a version word, else its role
}

type wordList struct {
	words []string
	flags uint8
}

// lookup returns the flags of a word given as three words (see tailMask).
func (t *wordTable) lookup(w0, w1, w2 uint64) uint8 {
	e := &t.entry[t.slot[t.hash(w0, w1, w2)]]
	if e.w0 != w0 || e.w1 != w1 || e.w2 != w2 {
		return 0
	}
	return e.flags
}

// short returns the entry of a word of less than 8 bytes given as a word
// (see tailMask), or entry[0], whose flags are 0, if it is not in the
// table. Such a word has a zero low byte, which a word of 8 bytes or more
// has not in w0, so it needs no look at w1 and w2.
func (t *wordTable) short(w uint64) *wordEntry {
	e := &t.entry[t.slot[t.hash(w, 0, 0)]]
	if e.w0 != w {
		return &t.entry[0]
	}
	return e
}

func (t *wordTable) hash(w0, w1, w2 uint64) uint64 {
	return ((w0 ^ w1*0x9E3779B97F4A7C15 ^ w2*0xC2B2AE3D27D4EB4F) * t.seed) >> (64 - wordTableBits)
}

// word returns the x-th 8 bytes from the end of buf.
func (buf *keyBuf) word(x int) uint64 {
	return binary.LittleEndian.Uint64(buf[len(buf)-8-8*x:])
}

// flags returns the keyWords flags of the last m bytes of buf, 1 <= m.
func (buf *keyBuf) flags(m int) uint8 {
	return keyWords.lookupTop(buf.word(0), buf.word(1), buf.word(2), m)
}

// lookupTop returns the flags of the last m bytes of a folded key given as
// three words (see tailMask), 1 <= m: 0 if m > maxWord.
func (t *wordTable) lookupTop(w0, w1, w2 uint64, m int) uint8 {
	switch {
	case m <= 8:
		return t.lookup(w0&tailMask(m), 0, 0)
	case m <= 16:
		return t.lookup(w0, w1&tailMask(m-8), 0)
	case m <= maxWord:
		return t.lookup(w0, w1, w2&tailMask(m-16))
	}
	return 0
}

// tailMask keeps the top m bytes of a word: all of them if m >= 8. m >= 1.
//
// A word is 8 bytes of a key loaded little-endian, so its top bytes are the
// key's last. A key of up to maxWord bytes is looked up as three words, the
// last 8 bytes in w0, zero filled on the left: as keys hold no zero byte,
// equal words mean equal keys.
func tailMask(m int) uint64 {
	return ^uint64(0) << ((64 - 8*min(m, 8)) & 63)
}

// wordOf returns s, 1 <= len(s) <= maxWord, as the three words lookup takes.
func wordOf(s string) (w [3]uint64) {
	var buf keyBuf
	copy(buf[len(buf)-len(s):], s)
	for x := range w {
		w[x] = buf.word(x) // zero filled
	}
	return w
}

// newWordTable builds the table, trying seeds in a fixed order until every
// word has a slot of its own.
func newWordTable(lists ...wordList) (t wordTable) {
	index := map[string]int{}
	n := 1
	for _, l := range lists {
		for _, s := range l.words {
			if len(s) == 0 || len(s) > maxWord || !isFolded(s) {
				panic("ioc: bad key word " + s)
			}
			x, ok := index[s]
			if !ok {
				if n == len(t.entry) {
					panic("ioc: too many key words")
				}
				x, n = n, n+1
				index[s] = x
				w := wordOf(s)
				t.entry[x].w0, t.entry[x].w1, t.entry[x].w2 = w[0], w[1], w[2]
			}
			e := &t.entry[x]
			e.flags |= l.flags
			if e.flags&kwRole == kwRole {
				panic("ioc: key word on both sides: " + s)
			}
			if e.kind = keyKind(e.flags & kwRole); e.flags&kwVersion != 0 {
				e.kind = keyVersion
			}
		}
	}
	for s := uint64(1); s < 1<<20; s++ {
		t.seed = splitmix(s) | 1
		t.slot = [len(t.slot)]uint8{}
		ok := true
		for x := 1; x < n && ok; x++ {
			e := &t.entry[x]
			h := t.hash(e.w0, e.w1, e.w2)
			ok = t.slot[h] == 0
			t.slot[h] = uint8(x)
		}
		if ok {
			return t
		}
	}
	panic("ioc: no perfect hash for the key words")
}

// isFolded reports whether s is a folded key: no upper-case ASCII letter,
// no _ - '.', and only key bytes.
func isFolded(s string) bool {
	for i := 0; i < len(s); i++ {
		if keyByte[s[i]]&kbKeep == 0 || lower(s[i]) != s[i] {
			return false
		}
	}
	return true
}

func splitmix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ x>>30) * 0xBF58476D1CE4E5B9
	x = (x ^ x>>27) * 0x94D049BB133111EB
	return x ^ x>>31
}
