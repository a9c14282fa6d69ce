package ioc

import (
	"bytes"
	"encoding/binary"
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
// _ - . and any non-ASCII byte) before the separators. It is folded (see
// foldBack) and then:
//   - a bare address word preceded by a space takes the word before it too:
//     "Source IP" folds to "sourceip";
//   - it is a version key if its last segment (after the last _ - or '.') is
//     one of versionWords or if it ends in one of versionSuffixes;
//   - otherwise it names a side if it is one of sourceKeys or destKeys, or,
//     holding non-ASCII bytes, if it ends in one of cjkRoles.
//
// keyBefore runs for every address found, so it does this in one backward
// pass over the key and one probe of a perfect hash table (keyWords); only
// keys with non-ASCII bytes take a slower path.
func keyBefore(b []byte, i, lo int) keyKind {
	lo = max(lo, i-lookBack)
	if i <= lo {
		return keyNone
	}
	if c := b[i-1]; c < 0x80 && cls[c]&cKeySep == 0 && c != '-' {
		// Most values follow a byte that cannot end a key nor separate
		// one from its value: ',' '(' '[' a letter or digit... Only
		// "release-" or a Chinese key may touch its value.
		if c == '/' && productBefore(b, i-1, lo) {
			return keyVersion
		}
		return keyNone
	}
	j := skipSeps(b, i, lo)

	var buf keyBuf
	k, p, flags := foldBack(b, j, lo, &buf, len(buf))
	n := len(buf) - p // folded length
	if n == 0 {
		return keyNone // no key, or only _ - .
	}
	kw := keyWords.lookup(&buf, n)

	// The last segment of the key: all of it unless it holds _ - or '.'.
	segVersion := kw&kwVersion != 0
	if flags&kbCut != 0 {
		if m := segLen(b, k, j); m != n {
			segVersion = keyWords.lookup(&buf, m)&kwVersion != 0
		}
	}

	if kw&kwAddr != 0 && k-1 > lo && b[k-1] == ' ' {
		// "Source IP: …", "client address …": classify both words.
		var f2 uint16
		_, p, f2 = foldBack(b, k-1, lo, &buf, p)
		flags |= f2
		n = len(buf) - p
		kw = keyWords.lookup(&buf, n)
	}

	if segVersion || endsVersion(&buf, n) {
		return keyVersion
	}
	switch {
	case kw&kwSource != 0:
		return keySource
	case kw&kwDest != 0:
		return keyDest
	case flags&kbHigh != 0:
		return keyCJK(buf[p:])
	}
	return keyNone
}

// skipSeps walks back from i over at most six separators between a key and
// its value.
func skipSeps(b []byte, i, lo int) int {
	j := i
	for n := 0; n < 6 && j > lo; n++ {
		if cls[b[j-1]]&cKeySep != 0 {
			j--
		} else if j-3 >= lo && b[j-1] == 0x9A && string(b[j-3:j]) == "：" {
			j -= 3
		} else {
			break
		}
	}
	return j
}

// keyByte describes each byte as part of a key: 0 if it cannot be in one;
// otherwise kbKeep and the byte folded to lower case in the low bits for a
// byte that folding keeps (ASCII letters and digits, non-ASCII bytes), or
// kbCut for _ - and '.', which folding drops and which end a segment.
var keyByte = func() (t [256]uint16) {
	for c := range 256 {
		switch {
		case c >= 0x80:
			t[c] = kbKeep | kbHigh | uint16(c)
		case c == '_' || c == '-' || c == '.':
			t[c] = kbCut
		case cls[c]&cKeyCh != 0:
			t[c] = kbKeep | uint16(lower(byte(c)))
		}
	}
	return t
}()

const (
	kbKeep = 1 << 15 // kept by folding; must be the top bit (see foldBack)
	kbCut  = 1 << 14 // _ - . : dropped by folding
	kbHigh = 1 << 13 // a non-ASCII byte
)

// keyBuf holds a folded key right-aligned: one word of up to maxKey bytes,
// or an address word and the word before it.
type keyBuf [2 * maxKey]byte

// foldBack reads the key that ends at b[j] backwards (at most maxKey bytes,
// none before lo) and writes it folded, lower case and without _ - and '.',
// into buf just before buf[p]. It returns where the key starts, where the
// folded key starts in buf, and the union of the keyByte entries of its
// bytes.
func foldBack(b []byte, j, lo int, buf *keyBuf, p int) (k, q int, flags uint16) {
	stop := max(lo, j-maxKey)
	k = j
	for k > stop {
		t := keyByte[b[k-1]]
		if t == 0 {
			break
		}
		flags |= t
		// Branch-free: a dropped byte writes 0 and keeps p, so the next
		// kept byte overwrites it. p-1 >= 0: each byte read uses at most
		// one slot, and the two words of a key read at most len(buf)
		// bytes.
		buf[(p-1)&(len(buf)-1)] = byte(t)
		p -= int(t >> 15)
		k--
	}
	return k, p, flags
}

// keyStart returns where the key ending at j starts: ASCII letters, digits,
// _ - . and any non-ASCII bytes (Chinese keys), at most maxKey bytes.
func keyStart(b []byte, j, lo int) int {
	stop := max(lo, j-maxKey)
	k := j
	for k > stop && keyByte[b[k-1]] != 0 {
		k--
	}
	return k
}

// segLen returns the folded length of the last segment of the key b[k:j]:
// its kept bytes after the last _ - or '.' that is followed by one.
func segLen(b []byte, k, j int) int {
	for j > k && keyByte[b[j-1]]&kbCut != 0 {
		j--
	}
	e := j
	for j > k && keyByte[b[j-1]]&kbCut == 0 {
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

// endsVersion reports whether the folded key, the last n bytes of buf, ends
// in one of versionSuffixes.
func endsVersion(buf *keyBuf, n int) bool {
	if buf[len(buf)-1] < 0x80 {
		// ASCII suffixes ("version"), each compared as one word.
		last := binary.LittleEndian.Uint64(buf[len(buf)-8:])
		for _, s := range asciiVersionSuffixes {
			if n >= s.n && last&tailMask(s.n) == s.w {
				return true
			}
		}
		return false
	}
	key := buf[len(buf)-n:]
	for _, s := range versionSuffixes {
		if bytes.HasSuffix(key, []byte(s)) {
			return true
		}
	}
	return false
}

// asciiVersionSuffixes are the ASCII entries of versionSuffixes as their
// length and the last word of a key that ends in them.
var asciiVersionSuffixes = func() (out []struct {
	n int
	w uint64
}) {
	for _, s := range versionSuffixes {
		if s == "" || s[len(s)-1] >= 0x80 {
			continue
		}
		if len(s) > 8 || !isFolded(s) {
			panic("ioc: bad ASCII version suffix " + s)
		}
		var buf keyBuf
		copy(buf[len(buf)-len(s):], s)
		out = append(out, struct {
			n int
			w uint64
		}{len(s), tailWords(&buf, len(s))[0]})
	}
	return out
}()

// keyCJK matches a folded key that holds non-ASCII bytes against cjkRoles.
func keyCJK(key []byte) keyKind {
	for _, r := range cjkRoles {
		if bytes.HasSuffix(key, []byte(r.suffix)) {
			return r.kind
		}
	}
	return keyNone
}

// Flags of a word in keyWords.
const (
	kwSource  = 1 << iota // one of sourceKeys
	kwDest                // one of destKeys
	kwAddr                // one of addrWords
	kwVersion             // one of versionWords
)

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

// wordTable is a perfect hash table of short ASCII words: each word has its
// own slot, so a lookup is one hash, one probe and one comparison. A word is
// held as three little-endian 64-bit words of its last 24 bytes, zero filled
// on the left; as folded keys hold no zero byte, equal words mean equal
// strings.
type wordTable struct {
	seed  uint64
	slot  [1 << wordTableBits]uint8 // index into entry, 0 for none
	entry []wordEntry               // entry[0] is the empty word, flags 0
}

const wordTableBits = 10

type wordEntry struct {
	w     [3]uint64
	flags uint8
}

type wordList struct {
	words []string
	flags uint8
}

// lookup returns the flags of the last m bytes of buf.
func (t *wordTable) lookup(buf *keyBuf, m int) uint8 {
	if m > maxWord {
		return 0
	}
	w := tailWords(buf, m)
	e := &t.entry[t.slot[t.hash(w)]]
	if e.w != w {
		return 0
	}
	return e.flags
}

func (t *wordTable) hash(w [3]uint64) uint64 {
	return ((w[0] ^ w[1]*0x9E3779B97F4A7C15 ^ w[2]*0xC2B2AE3D27D4EB4F) * t.seed) >> (64 - wordTableBits)
}

// tailWords returns the last m (at most maxWord) bytes of buf as three
// words, the last 8 bytes in w[0], zero filled on the left.
func tailWords(buf *keyBuf, m int) (w [3]uint64) {
	e := len(buf)
	w[0] = binary.LittleEndian.Uint64(buf[e-8:]) & tailMask(m)
	if m > 8 {
		w[1] = binary.LittleEndian.Uint64(buf[e-16:]) & tailMask(m-8)
		if m > 16 {
			w[2] = binary.LittleEndian.Uint64(buf[e-24:]) & tailMask(m-16)
		}
	}
	return w
}

// tailMask keeps the top m bytes of a word (all of them if m >= 8).
func tailMask(m int) uint64 {
	return ^uint64(0) << (8 * uint(max(8-m, 0)))
}

// newWordTable builds the table, trying seeds in a fixed order until every
// word has a slot of its own.
func newWordTable(lists ...wordList) *wordTable {
	t := &wordTable{entry: []wordEntry{{}}}
	index := map[string]int{}
	for _, l := range lists {
		for _, s := range l.words {
			if len(s) == 0 || len(s) > maxWord || !isFolded(s) {
				panic("ioc: bad key word " + s)
			}
			x, ok := index[s]
			if !ok {
				var buf keyBuf
				copy(buf[len(buf)-len(s):], s)
				x = len(t.entry)
				index[s] = x
				t.entry = append(t.entry, wordEntry{w: tailWords(&buf, len(s))})
			}
			t.entry[x].flags |= l.flags
		}
	}
	if len(t.entry) > 255 {
		panic("ioc: too many key words")
	}
	for s := uint64(1); s < 1<<20; s++ {
		t.seed = splitmix(s) | 1
		t.slot = [len(t.slot)]uint8{}
		ok := true
		for x := 1; x < len(t.entry) && ok; x++ {
			h := t.hash(t.entry[x].w)
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
