package ioc

import "bytes"

// This file keeps the original, straightforward implementation of keyBefore
// (before the single-pass fold and perfect-hash lookup in context.go) as a
// reference for the differential tests in context_diff_test.go. It must not
// change: it defines the expected result for every (b, i, lo).

// keyBeforeRef classifies the key that labels the value starting at b[i]:
// a key, then up to six separators (space, tab, = : ： " ' >), then the
// value. It never reads before lo.
func keyBeforeRef(b []byte, i, lo int) keyKind {
	lo = max(lo, i-lookBack)
	if i <= lo {
		return keyNone
	}
	if b[i-1] == '/' {
		if productBeforeRef(b, i-1, lo) {
			return keyVersion
		}
		return keyNone
	}
	j := skipSepsRef(b, i, lo)
	if j == i && b[i-1] < 0x80 && b[i-1] != '-' {
		return keyNone // only "release-" or a Chinese key may touch its value
	}
	k := keyStartRef(b, j, lo)
	if k == j {
		return keyNone
	}
	var buf [2*maxKey + 1]byte
	key, seg := foldRef(buf[:0], b[k:j])
	if isAddrWordRef(key) && k-1 > lo && b[k-1] == ' ' {
		// "Source IP: …", "client address …": classify both words.
		k2 := keyStartRef(b, k-1, lo)
		key, _ = foldRef(buf[:0], b[k2:k-1])
		key, seg = foldRef(key, b[k:j])
	}
	if isVersionKeyRef(key, seg) {
		return keyVersion
	}
	return roleKeyRef(key)
}

// skipSepsRef walks back from i over at most six separators between a key and
// its value.
func skipSepsRef(b []byte, i, lo int) int {
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

// keyStartRef returns where the key ending at j starts: ASCII letters, digits,
// _ - . and any non-ASCII bytes (Chinese keys), at most maxKey bytes.
func keyStartRef(b []byte, j, lo int) int {
	k := j
	for k > lo && j-k < maxKey && (cls[b[k-1]]&cKeyCh != 0 || b[k-1] >= 0x80) {
		k--
	}
	return k
}

// foldRef appends key to dst in lower case without _ - and '.', so that
// "Src_IP", "src-ip" and "source.ip" compare equal to "srcip" and
// "sourceip". seg is the folded last segment, after the last _ - or '.'.
func foldRef(dst, key []byte) (folded, seg []byte) {
	start, cut := len(dst), false
	for _, c := range key {
		switch {
		case c == '_' || c == '-' || c == '.':
			cut = true
		default:
			if cut {
				start, cut = len(dst), false
			}
			dst = append(dst, lower(c))
		}
	}
	return dst, dst[start:]
}

// isAddrWordRef reports whether a folded key is a bare "IP"/"address" word
// that needs the word before it to say whose address it is.
func isAddrWordRef(key []byte) bool {
	switch string(key) {
	case "ip", "ipv4", "ipv6", "addr", "address", "ipaddr", "ipaddress", "host":
		return true
	}
	return false
}

// productBeforeRef reports whether the '/' at b[slash] ends a user-agent product
// name such as "Chrome" in "Chrome/113.0.0.0": a word starting with a letter
// that is not itself a path component (no '/' before it).
func productBeforeRef(b []byte, slash, lo int) bool {
	k := keyStartRef(b, slash, lo)
	if k == slash || cls[b[k]]&(cHexL|cWordL) == 0 || b[k] == '_' {
		return false
	}
	return k == lo || b[k-1] != '/'
}

// isVersionKeyRef reports whether a folded key announces a version: it ends in
// "version" or 版本 / 版本号, or its last segment is a version word.
func isVersionKeyRef(key, seg []byte) bool {
	switch string(seg) {
	case "v", "ver", "vers", "version", "build", "fw", "firmware", "release", "rev", "revision":
		return true
	}
	n := len(key)
	if n >= 7 && string(key[n-7:]) == "version" {
		return true
	}
	return n >= 6 && key[n-1] >= 0x80 && (bytes.HasSuffix(key, []byte("版本")) || bytes.HasSuffix(key, []byte("版本号")))
}

// roleKeyRef maps a folded key to the side of the connection it names.
func roleKeyRef(key []byte) keyKind {
	switch string(key) {
	case "src", "srcip", "srcaddr", "srcaddress", "srchost", "ipsrc",
		"source", "sourceip", "sourceaddr", "sourceaddress", "sourcehost",
		"sip", "saddr", "client", "clientip", "clientaddr", "clientaddress", "cip",
		"remote", "remoteaddr", "remoteaddress", "remoteip", "remotehost", "rhost",
		"attacker", "attackerip", "attackip", "from", "xforwardedfor", "xrealip", "realip":
		return keySource
	case "dst", "dstip", "dstaddr", "dstaddress", "dsthost", "ipdst",
		"destination", "destinationip", "destinationaddr", "destinationaddress", "destinationhost",
		"dest", "destip", "destaddr", "dip", "daddr", "target", "targetip", "targethost",
		"victim", "victimip", "serverip", "serveraddr", "to":
		return keyDest
	}
	for _, c := range key {
		if c >= 0x80 {
			return roleCJKRef(key)
		}
	}
	return keyNone
}

// roleCJKRef matches a folded key that ends in Chinese (or Chinese then "ip").
func roleCJKRef(key []byte) keyKind {
	for _, r := range cjkRoles { // the data is shared; the matching is the reference's own
		if bytes.HasSuffix(key, []byte(r.suffix)) {
			return r.kind
		}
	}
	return keyNone
}
