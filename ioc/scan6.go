package ioc

// ipv6 accepts an IPv6 address at b[i] whose run ends at end.
func (sc *scanner) ipv6(i, end int, f *found) (int, bool) {
	if !sc.v6Start(i) {
		return end, false
	}
	a, ok := parseV6(&sc.r)
	if !ok {
		return end, false
	}
	return sc.accept6(i, end, a, f)
}

// accept6 finishes ipv6 for the address a read from the run at b[i] that
// ends at end: it checks what follows it and what precedes short forms.
func (sc *scanner) accept6(i, end int, a v6, f *found) (int, bool) {
	r, b := &sc.r, sc.b
	stop, ok := v6Tail(r, a)
	if !ok {
		return end, false
	}
	e := r.rawEnd(a.end)
	next := e // where the text after the address, port or dot starts
	if stop == r.n {
		next = end
		if wordAt(b, end) {
			return end, false
		}
	}
	if a.groups <= 1 && !sc.shortOK(i, e, a.trailing) {
		return end, false
	}
	resume := r.rawEnd(stop)
	if stop == r.n && end < len(b) && b[end] == '%' {
		resume = skipZone(b, end)
	}
	k := keyBefore(b, i, sc.lo)
	*f = found{v6: true, a16: a.ip, start: i, role: sc.role(k, i, next)}
	if isMapped(&a.ip) {
		f.v6, f.a4 = false, uint32(a.ip[12])<<24|uint32(a.ip[13])<<16|uint32(a.ip[14])<<8|uint32(a.ip[15])
	}
	return resume, true
}

// v6Start rejects a hex start glued to a longer colon run by a single ':'
// ("x2001:db8::1" must not yield db8::1). After "key:" an address may
// start when the key is a word with a letter that is not a hex digit.
func (sc *scanner) v6Start(i int) bool {
	b := sc.b
	if i <= sc.lo || b[i-1] != ':' || b[i] == ':' {
		return true
	}
	for k := i - 1; k > sc.lo && i-k <= 16 && cls[b[k-1]]&cWord != 0; k-- {
		if cls[b[k-1]]&cWordL != 0 {
			return true
		}
	}
	return false
}

// v6Tail checks what follows the address inside the run and returns the
// normalized index where the match ends: the address itself, a ":port"
// after an embedded IPv4 address, a BSD/tcpdump ".port", or a dot that ends
// a sentence.
func v6Tail(r *run, a v6) (int, bool) {
	s, n, p := r.s, r.n, a.end
	switch {
	case p == n:
		return p, true
	case s[p] == ':' && p+1 == n:
		return n, true // punctuation: "App: fe80::1: 35 B"
	case s[p] == ':' && a.embedded:
		v, q := decimal(s, p+1, 5)
		return q, q > p+1 && q == n && v <= 65535
	case s[p] == '.' && p+1 == n:
		return n, true
	case s[p] == '.':
		v, q := decimal(s, p+1, 5)
		ok := q > p+1 && v <= 65535
		if ok && q+1 == n && s[q] == ':' {
			// Punctuation after the port too ("… 2001:db8::1.443: Flags"),
			// as after the address: the match takes the whole run, so that
			// what follows the run is checked ("2001:db8::1.443:x" is no
			// address, as "2001:db8::1:x" is not).
			return n, true
		}
		return q, ok && q == n
	}
	return p, false
}

// shortOK applies stricter rules to forms with at most one explicit group
// ("::1", "::", "1::"), which otherwise turn up in code ("a::b"), times
// ("301::WARNING") and binary data: they need a clear delimiter on each
// side, and a form ending in "::" must be bracketed or followed by "/".
func (sc *scanner) shortOK(i, e int, trailing bool) bool {
	b := sc.b
	prevOK := i <= sc.lo || shortDelim(b[i-1]) || validRuneBefore(b, i, sc.lo)
	nextOK := e >= len(b) || shortDelim(b[e]) || b[e] == '%' || validRuneAt(b, e)
	if !prevOK || !nextOK {
		return false
	}
	if trailing {
		bracketed := i > sc.lo && b[i-1] == '[' && e < len(b) && b[e] == ']'
		return bracketed || e < len(b) && b[e] == '/'
	}
	return true
}

// shortDelim reports whether c clearly delimits a short IPv6 form.
func shortDelim(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '\v', '\f', '[', ']', '(', ')', '{', '}', '<', '>',
		'"', '\'', '=', ',', ';', '|', '/', ':', '.', '#':
		return true
	}
	return false
}

// skipZone skips an IPv6 zone such as "%eth0" or "%25en0" at b[j].
func skipZone(b []byte, j int) int {
	end := min(len(b), j+1+maxZone)
	k := j + 1
	for k < end && cls[b[k]]&cKeyCh != 0 {
		k++
	}
	return k
}

// isMapped reports whether ip is an IPv4-mapped IPv6 address (::ffff:a.b.c.d).
func isMapped(ip *[16]byte) bool {
	return ip[10] == 0xff && ip[11] == 0xff &&
		ip[0]|ip[1]|ip[2]|ip[3]|ip[4]|ip[5]|ip[6]|ip[7]|ip[8]|ip[9] == 0
}
