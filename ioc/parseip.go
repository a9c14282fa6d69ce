package ioc

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// ErrNotIP is wrapped by the error ParseIP returns for anything that is not
// one IP address.
var ErrNotIP = errors.New("not an IP address")

// ParseIP parses one user-typed IP argument, accepting the same defanged and
// full-width forms as the extractor (e.g. "1.2.3[.]4", "１.２.３.４",
// "[2001:db8::1]", "fe80::1%eth0", "010.001.002.003") and rejecting anything
// else, including a port or a URL; returns canonical addr. Surrounding
// spaces are ignored.
func ParseIP(s string) (netip.Addr, error) {
	b := []byte(strings.TrimSpace(s))
	if len(b) >= 2 && b[0] == '[' && b[len(b)-1] == ']' {
		b = b[1 : len(b)-1]
	}
	var r run
	end := r.collect(b, 0, -1)
	if r.over || r.n == 0 || !zoneOnly(b[end:]) {
		return netip.Addr{}, fmt.Errorf("%w: %q", ErrNotIP, s)
	}
	if a, ok := parseV4(&r, 0); ok && a.port < 0 && !a.stop && a.end == r.n && end == len(b) {
		f := found{a4: a.addr}
		return f.addr(), nil
	}
	if a, ok := parseV6(&r); ok && a.end == r.n && r.s[0] != '.' {
		f := found{v6: true, a16: a.ip}
		return canonical(f.addr()), nil
	}
	return netip.Addr{}, fmt.Errorf("%w: %q", ErrNotIP, s)
}

// zoneOnly reports whether rest is empty or an IPv6 zone such as "%eth0".
func zoneOnly(rest []byte) bool {
	if len(rest) == 0 {
		return true
	}
	if rest[0] != '%' || len(rest) == 1 || len(rest) > 1+maxZone {
		return false
	}
	for _, c := range rest[1:] {
		if cls[c]&cKeyCh == 0 {
			return false
		}
	}
	return true
}
