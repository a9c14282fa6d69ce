package ioc

// v4 is a dotted-decimal address read from the start of a normalized run.
type v4 struct {
	addr    uint32
	end     int // index just after the fourth octet
	port    int // value of a fifth dotted part (BSD netstat, tcpdump), or -1
	portEnd int // index just after the fifth part
	stop    bool
}

// parseV4 reads four decimal octets (one to three digits each, zero padding
// read as decimal) and an optional fifth part. ok is false when the run is
// not an address: an octet above 255, a part glued to hex letters, or six
// or more dotted parts (SNMP OIDs and the like).
func parseV4(r *run, from int) (a v4, ok bool) {
	s := r.s
	addr, p, ok := quad(s, from)
	if !ok {
		return a, false
	}
	a.addr, a.end, a.port = addr, p, -1
	if p+1 >= len(s) || s[p] != '.' || cls[s[p+1]]&cDigit == 0 {
		return a, true
	}
	// A Chinese full stop after an address typed with other dots ends
	// the sentence: "攻击IP为1.2.3.4。5分钟后" is 1.2.3.4.
	if r.kindAt(p) == sepStop && r.stops(from, p) < 3 {
		a.stop = true
		return a, true
	}
	v, q := decimal(s, p+1, 5)
	if v > 65535 || q < len(s) && cls[s[q]]&cHex != 0 ||
		q+1 < len(s) && s[q] == '.' && cls[s[q+1]]&cDigit != 0 {
		return a, false
	}
	a.port, a.portEnd = v, q
	return a, true
}

// quad reads four dot-separated decimal octets from s[p:] and returns the
// address and the index just after it. It is the hot path of the scanner:
// straight-line code on local variables, no calls.
func quad(s []byte, p int) (addr uint32, q int, ok bool) {
	for k := 0; ; k++ {
		if p >= len(s) {
			return 0, 0, false
		}
		v := uint32(s[p]) - '0'
		if v > 9 {
			return 0, 0, false
		}
		p++
		if p < len(s) {
			if d := uint32(s[p]) - '0'; d <= 9 {
				v = v*10 + d
				p++
				if p < len(s) {
					if d := uint32(s[p]) - '0'; d <= 9 {
						v = v*10 + d
						p++
					}
				}
			}
		}
		if v > 255 {
			return 0, 0, false
		}
		addr = addr<<8 | v
		if k == 3 {
			break
		}
		if p >= len(s) || s[p] != '.' {
			return 0, 0, false
		}
		p++
	}
	if p < len(s) && cls[s[p]]&cHex != 0 {
		return 0, 0, false // a fourth octet glued to more digits or hex letters
	}
	return addr, p, true
}

// stops counts the Chinese full stops among the separators of s[from:to].
func (r *run) stops(from, to int) int {
	if r.ascii {
		return 0
	}
	n := 0
	for p := from; p < to; p++ {
		if r.s[p] == '.' && r.kind[p] == sepStop {
			n++
		}
	}
	return n
}

// decimal reads up to max decimal digits from s[p:]; q is where it stopped.
// A longer digit run stops at max digits, so the caller sees a digit at q.
func decimal(s []byte, p, max int) (v, q int) {
	q = p
	for q < len(s) && q-p < max && cls[s[q]]&cDigit != 0 {
		v = v*10 + int(s[q]-'0')
		q++
	}
	return v, q
}

// v6 is an IPv6 address read from the start of a normalized run.
type v6 struct {
	ip       [16]byte
	end      int  // index just after the address
	groups   int  // explicit 16-bit groups; an embedded IPv4 address counts 2
	embedded bool // ends with a dotted IPv4 address
	trailing bool // ends with "::"
}

// parseV6 reads an IPv6 address in any RFC 4291 text form, stopping at the
// first character that cannot continue it. The caller decides whether
// what follows is acceptable.
func parseV6(r *run) (a v6, ok bool) {
	s := r.s
	n := len(s)
	ell, i, p := -1, 0, 0
	if n >= 2 && s[0] == ':' && s[1] == ':' {
		ell, p = 0, 2
	}
	for i < 16 {
		start, acc := p, 0
		for ; p < n; p++ {
			v := hexVal[s[p]]
			if v == 0xFF {
				break
			}
			acc = acc<<4 | int(v)
		}
		switch {
		case p == start:
			if ell == i && p >= 2 && s[p-1] == ':' && s[p-2] == ':' {
				a.trailing = true
				a.end = p
				return a, expand(&a.ip, ell, i) // the address ends with "::"
			}
			return a, false
		case p-start > 4:
			return a, false
		}
		if p < n && s[p] == '.' && (i == 12 || ell >= 0 && i < 12) {
			if b, ok := parseV4(r, start); ok && b.port < 0 && !b.stop {
				a.ip[i], a.ip[i+1], a.ip[i+2], a.ip[i+3] =
					byte(b.addr>>24), byte(b.addr>>16), byte(b.addr>>8), byte(b.addr)
				i, p, a.embedded = i+4, b.end, true
				a.groups += 2
				break
			}
		}
		a.ip[i&15], a.ip[(i+1)&15] = byte(acc>>8), byte(acc)
		i += 2
		a.groups++
		if i == 16 || p+1 >= n || s[p] != ':' {
			break
		}
		if s[p+1] == ':' {
			if ell >= 0 {
				return a, false
			}
			ell, p = i, p+2
			continue
		}
		p++
	}
	a.end = p
	return a, expand(&a.ip, ell, i)
}

// expand moves the groups after "::" to the end and zeroes the gap.
func expand(ip *[16]byte, ell, i int) bool {
	if i == 16 {
		return ell < 0 // "::" must stand for at least one group
	}
	if ell < 0 {
		return false
	}
	n := 16 - i
	for j := i - 1; j >= ell; j-- {
		ip[j+n] = ip[j]
	}
	clear(ip[ell : ell+n])
	return true
}
