package ioc

import (
	"fmt"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzExtract: no panic; every reported IP is canonical and present in the
// input in some accepted form (after an independent normalization of
// full-width and defanged characters); streaming with a small buffer and
// one-byte reads agrees with ExtractString.
func FuzzExtract(f *testing.F) {
	for _, c := range extractCases {
		f.Add(c.in)
	}
	for _, c := range roleCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		wd := time.AfterFunc(10*time.Second, func() { panic(fmt.Sprintf("slow input %q", in)) })
		defer wd.Stop()
		r := ExtractString(in)
		norm := normalizeForTest(in)
		for _, h := range r.Hits {
			a := h.Addr
			if !(a.Is4() || a.Is6() && !a.Is4In6() && a.Zone() == "") {
				t.Fatalf("%q: %v is not canonical", in, a)
			}
			if h.Public != IsPublic(a) || h.Count < 1 || h.FirstLine < 1 {
				t.Fatalf("%q: bad hit %+v", in, h)
			}
			if !presentIn(norm, a) {
				t.Fatalf("%q: %v is not in the input (normalized %q)", in, a, norm)
			}
		}
		got, err := extractWith(strings.NewReader(in), 1300)
		if err != nil || !reflect.DeepEqual(got, r) {
			t.Fatalf("%q: streaming %+v (%v) != ExtractString %+v", in, got, err, r)
		}
	})
}

// normalizeForTest maps full-width digits, letters, dots and colons, the
// ideographic full stop and bracketed defangs to ASCII. It is written
// independently of the extractor's own tables.
func normalizeForTest(s string) string {
	opens := map[rune]rune{'[': ']', '(': ')', '{': '}', '（': '）', '［': '］', '｛': '｝', '【': '】', '〔': '〕'}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if cl, ok := opens[r]; ok {
			if c, m := defangForTest(s[i+n:], cl); m > 0 {
				b.WriteByte(c)
				i += n + m
				continue
			}
		}
		switch {
		case r >= '０' && r <= '９':
			b.WriteRune(r - '０' + '0')
		case r >= 'Ａ' && r <= 'Ｆ':
			b.WriteRune(r - 'Ａ' + 'A')
		case r >= 'ａ' && r <= 'ｆ':
			b.WriteRune(r - 'ａ' + 'a')
		case r == '．' || r == '。':
			b.WriteByte('.')
		case r == '：':
			b.WriteByte(':')
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// defangForTest matches ". ] " style insides after an opening bracket.
func defangForTest(s string, closing rune) (byte, int) {
	for _, in := range []struct {
		text string
		c    byte
	}{{".", '.'}, {"．", '.'}, {"。", '.'}, {":", ':'}, {"：", ':'}} {
		if rest, ok := strings.CutPrefix(s, in.text); ok && strings.HasPrefix(rest, string(closing)) {
			return in.c, len(in.text) + len(string(closing))
		}
	}
	if len(s) >= 3 && strings.EqualFold(s[:3], "dot") && strings.HasPrefix(s[3:], string(closing)) {
		return '.', 3 + len(string(closing))
	}
	return 0, 0
}

// presentIn reports whether some piece of a run of hex digits, dots and
// colons in s parses to a (IPv4 parts may be zero-padded). Pieces start at
// the run's start, at a separator or just after one, and end at the run's
// end or just before a separator.
func presentIn(s string, a netip.Addr) bool {
	isRun := func(c byte) bool {
		return c == '.' || c == ':' || '0' <= c && c <= '9' || 'a' <= c|0x20 && c|0x20 <= 'f'
	}
	isSep := func(c byte) bool { return c == '.' || c == ':' }
	for i := 0; i < len(s); i++ {
		if !isRun(s[i]) || i > 0 && isRun(s[i-1]) && !isSep(s[i-1]) && !isSep(s[i]) {
			continue
		}
		for j := i + 1; j <= len(s) && j-i <= 60 && isRun(s[j-1]); j++ {
			if j < len(s) && isRun(s[j]) && !isSep(s[j]) {
				continue
			}
			if p, err := netip.ParseAddr(stripZeros(s[i:j])); err == nil && p.Unmap() == a {
				return true
			}
		}
	}
	return false
}

// stripZeros removes leading zeros from the parts of a dotted quad, also
// one embedded at the end of an IPv6 address ("::00.0.0.1" is ::1 to the
// extractor, as "00.0.0.1" is 0.0.0.1).
func stripZeros(s string) string {
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		if strings.Contains(s[i+1:], ".") {
			return s[:i+1] + stripZeros(s[i+1:])
		}
		return s
	}
	parts := strings.Split(s, ".")
	for i, p := range parts {
		if t := strings.TrimLeft(p, "0"); t != p {
			if t == "" {
				t = "0"
			}
			parts[i] = t
		}
	}
	return strings.Join(parts, ".")
}
