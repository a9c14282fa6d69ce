package ioc

import "net/netip"

// IsPublic reports whether addr is a globally routable unicast address worth
// a threat-intel lookup. IPv4-mapped addresses are judged as IPv4 and zones
// are ignored. These ranges are not public:
//
//	IPv4                 what
//	0.0.0.0/8            "this network", includes 0.0.0.0
//	10.0.0.0/8           private (RFC 1918)
//	100.64.0.0/10        carrier-grade NAT (RFC 6598)
//	127.0.0.0/8          loopback
//	169.254.0.0/16       link-local
//	172.16.0.0/12        private (RFC 1918)
//	192.0.0.0/24         IETF protocol assignments (RFC 6890)
//	192.0.2.0/24         documentation TEST-NET-1 (RFC 5737)
//	192.88.99.0/24       deprecated 6to4 relay anycast (RFC 7526)
//	192.168.0.0/16       private (RFC 1918)
//	198.18.0.0/15        benchmarking (RFC 2544)
//	198.51.100.0/24      documentation TEST-NET-2
//	203.0.113.0/24       documentation TEST-NET-3
//	224.0.0.0/4          multicast
//	240.0.0.0/4          reserved, includes 255.255.255.255 (broadcast)
//
//	IPv6                 what
//	outside 2000::/3     everything but global unicast: ::/128, ::1/128,
//	                     ::/8 (incl. IPv4-compatible), 64:ff9b::/96 and
//	                     64:ff9b:1::/48 (NAT64), 100::/64 (discard),
//	                     fc00::/7 (ULA), fe80::/10 (link-local),
//	                     fec0::/10 (site-local), ff00::/8 (multicast)
//	2001::/23            IETF protocol assignments: Teredo, benchmarking,
//	                     ORCHID, AMT, AS112 (RFC 2928, RFC 6890)
//	2001:db8::/32        documentation (RFC 3849)
//	3fff::/20            documentation (RFC 9637)
//
// Decisions: NAT64 addresses (64:ff9b::/96) name a local translator, not
// the peer; the peer is the embedded IPv4 address, which the caller may
// look up instead. 2001::/23 holds protocol infrastructure with no threat
// intelligence value, so it is skipped whole even though a few anycast
// addresses in it are reachable. 6to4 addresses (2002::/16) are routed
// unicast and stay public. The documentation ranges are not public even
// though examples and demos use them: the bot skips them.
func IsPublic(addr netip.Addr) bool {
	addr = addr.Unmap()
	if addr.Is4() {
		return public4(addr.As4())
	}
	if !addr.Is6() {
		return false
	}
	return public6(addr.As16())
}

func public4(a [4]byte) bool {
	switch a[0] {
	case 0, 10, 127:
		return false
	case 100:
		return a[1]&0xC0 != 64 // 100.64.0.0/10
	case 169:
		return a[1] != 254
	case 172:
		return a[1]&0xF0 != 16 // 172.16.0.0/12
	case 192:
		switch {
		case a[1] == 168:
			return false
		case a[1] == 0 && (a[2] == 0 || a[2] == 2):
			return false
		case a[1] == 88 && a[2] == 99:
			return false
		}
	case 198:
		if a[1]&0xFE == 18 || a[1] == 51 && a[2] == 100 {
			return false
		}
	case 203:
		return !(a[1] == 0 && a[2] == 113)
	}
	return a[0] < 224
}

func public6(a [16]byte) bool {
	if a[0]&0xE0 != 0x20 { // 2000::/3
		return false
	}
	switch {
	case a[0] == 0x20 && a[1] == 0x01 && a[2]&0xFE == 0: // 2001::/23
		return false
	case a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0d && a[3] == 0xb8: // 2001:db8::/32
		return false
	case a[0] == 0x3f && a[1] == 0xff && a[2]&0xF0 == 0: // 3fff::/20
		return false
	}
	return true
}
