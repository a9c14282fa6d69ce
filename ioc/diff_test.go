package ioc

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// TestDifferential compares Extract with a plain reference on random text
// where the reference is well defined: split on anything that is not a hex
// digit, '.' or ':', and keep the tokens net/netip parses. The generator
// avoids the cases where the two deliberately differ (zero padding, '/',
// version keys, five-part runs, bare "::", sentence dots).
func TestDifferential(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for n := range 3000 {
		text := randomText(rng)
		want := reference(text)
		var got []netip.Addr
		for _, h := range ExtractString(text).Hits {
			got = append(got, h.Addr)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("case %d: %q\n got %v\nwant %v", n, text, got, want)
		}
	}
}

func reference(text string) []netip.Addr {
	var out []netip.Addr
	tokens := strings.FieldsFunc(text, func(r rune) bool {
		return !(r == '.' || r == ':' || '0' <= r && r <= '9' || 'a' <= r|0x20 && r|0x20 <= 'f')
	})
	for _, tok := range tokens {
		if a, err := netip.ParseAddr(tok); err == nil && !slices.Contains(out, a.Unmap()) {
			out = append(out, a.Unmap())
		}
	}
	return out
}

var separators = []string{" ", "  ", ", ", "; ", "|", "\t", "\n", "\"", "'", "(", ")", "<", "=", " = ", "[", "]", "{", "}"}

func randomText(rng *rand.Rand) string {
	var b strings.Builder
	for range 1 + rng.IntN(12) {
		b.WriteString(separators[rng.IntN(len(separators))])
		b.WriteString(randomToken(rng))
	}
	b.WriteString(separators[rng.IntN(len(separators))])
	return b.String()
}

func randomToken(rng *rand.Rand) string {
	switch rng.IntN(10) {
	case 0, 1:
		return netip.AddrFrom4([4]byte{byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))}).String()
	case 2:
		return randomIPv6(rng)
	case 3: // dotted runs that are not addresses
		parts := []int{2, 3, 6, 7}[rng.IntN(4)]
		var p []string
		for range parts {
			p = append(p, fmt.Sprint(1+rng.IntN(999)))
		}
		return strings.Join(p, ".")
	case 4: // a quad with an octet above 255
		return fmt.Sprintf("%d.%d.%d.%d", 1+rng.IntN(255), 256+rng.IntN(700), rng.IntN(256), rng.IntN(256))
	case 5: // times
		return fmt.Sprintf("%02d:%02d:%02d", rng.IntN(24), rng.IntN(60), rng.IntN(60))
	case 6: // MAC
		return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", rng.IntN(256), rng.IntN(256), rng.IntN(256), rng.IntN(256), rng.IntN(256), rng.IntN(256))
	case 7: // hex
		return fmt.Sprintf("%x", rng.Uint64()>>uint(rng.IntN(60)))
	case 8: // a word without hex letters
		w := make([]byte, 3+rng.IntN(6))
		for i := range w {
			w[i] = byte('g' + rng.IntN(20))
		}
		return string(w)
	}
	return fmt.Sprint(rng.IntN(100000))
}

// randomIPv6 returns an IPv6 address with some zero groups, in netip's
// form or fully expanded, never with fewer than two explicit groups.
func randomIPv6(rng *rand.Rand) string {
	for {
		var a [16]byte
		for i := 0; i < 16; i += 2 {
			if rng.IntN(3) > 0 {
				a[i], a[i+1] = byte(rng.IntN(256)), byte(rng.IntN(256))
			}
		}
		if rng.IntN(8) == 0 {
			a = netip.AddrFrom4([4]byte{byte(rng.IntN(256)), 1, 2, 3}).As16() // ::ffff:x.1.2.3
		}
		addr := netip.AddrFrom16(a)
		s := addr.String()
		if rng.IntN(3) == 0 && !addr.Is4In6() {
			s = addr.StringExpanded()
		}
		groups := strings.Count(strings.ReplaceAll(s, "::", ":"), ":")
		if groups >= 2 && !strings.HasSuffix(s, "::") && !strings.HasPrefix(s, "::") || addr.Is4In6() {
			return s
		}
	}
}
