package ioc

import (
	"encoding/binary"
	"math/rand/v2"
	"strings"
	"testing"
)

// checkKeyBefore compares keyBefore with keyBeforeRef at the offsets of b
// that at accepts, for a few values of lo, and checks that keyBefore reads
// neither before lo (nor more than lookBack bytes back) nor at or after i.
func checkKeyBefore(t *testing.T, b []byte, at func(i int) bool) {
	t.Helper()
	poisoned := make([]byte, len(b))
	for x := range poisoned {
		poisoned[x] = poison[x%len(poison)]
	}
	for i := 0; i <= len(b); i++ {
		if !at(i) {
			continue
		}
		for _, d := range [...]int{i, 1, 2, 3, 5, 8, 13, 21, 34, 40, 64, 97} {
			lo := max(i-d, 0)
			want := keyBeforeRef(b, i, lo)
			if got := keyBefore(b, i, lo); got != want {
				t.Fatalf("keyBefore(%q, %d, %d) = %d, want %d (before: %q)", b, i, lo, got, want, b[max(lo, i-lookBack):i])
			}
			checkNotVersion(t, b, i, lo, want)
			e := max(lo, i-lookBack)
			copy(poisoned[e:i], b[e:i])
			if got := keyBefore(poisoned[:i], i, lo); got != want {
				t.Fatalf("keyBefore(%q, %d, %d) = %d, want %d: reads before lo", poisoned[:i], i, lo, got, want)
			}
			for x := e; x < i; x++ {
				poisoned[x] = poison[x%len(poison)]
			}
		}
	}
}

// checkNotVersion fails t if notVersion rules out a version key where
// keyBeforeRef finds one (want): the value at b[i], lo as given.
func checkNotVersion(t *testing.T, b []byte, i, lo int, want keyKind) {
	t.Helper()
	if i-6 >= lo && want == keyVersion && notVersion((*[6]byte)(b[i-6:i])) {
		t.Fatalf("notVersion(%q) = true, but keyBeforeRef(%q, %d, %d) is a version key", b[i-6:i], b, i, lo)
	}
}

// TestNotVersion checks notVersion on the keys of real logs: it must rule
// out a version key for most (or it saves nothing), and for none of the
// version keys.
func TestNotVersion(t *testing.T) {
	for _, c := range []struct {
		before string
		want   bool
	}{
		// Ruled out: no key, or one no version key ends like.
		{"x src=", true}, {" host=", true}, {"] rip=", true}, {"client ", true},
		{" from ", true}, {"\"ip\":\"", true}, {"[CLIENT: ", true}, {"ain.fr ", true},
		{"st\":\"", true}, {"addr: ", true}, {"d. (", true}, {"x [", true},
		{"elease", true}, // "release1.2.3.4": no separator, no key
		// For keyBefore: version keys, and what notVersion does not read.
		{"x ver=", false}, {"x_ver=", false}, {"n: v ", false}, {"fw_v: ", false},
		{"build ", false}, {"a_fw: ", false}, {"rsion=", false}, {"lease-", false},
		{"hrome/", false}, {"版本：", false}, {"\"v\":\"", false}, {"x_rev ", false},
		{"ware: ", false}, {"ers\":\"", false}, {"版本号 ", false}, {"GET /", false},
		{"ip\": \"", false}, {"d: = \"", false}, {"      ", false}, // four separators
	} {
		// The six bytes before the value, right-aligned.
		b := []byte(strings.Repeat(" ", max(0, 6-len(c.before))) + c.before)
		if got := notVersion((*[6]byte)(b[len(b)-6:])); got != c.want {
			t.Errorf("notVersion(%q) = %v, want %v", b[len(b)-6:], got, c.want)
		}
		in := append(b, "1.2.3.4"...)
		checkNotVersion(t, in, len(b), 0, keyBeforeRef(in, len(b), 0))
	}
}

// poison overwrites the bytes before lo: key bytes and separators.
const poison = "a_-. :'=我"

func everyOffset(int) bool { return true }

// TestKeyBeforeTables compares keyBefore with keyBeforeRef on every table
// case at every offset.
func TestKeyBeforeTables(t *testing.T) {
	for _, c := range extractCases {
		checkKeyBefore(t, []byte(c.in), everyOffset)
	}
	for _, c := range roleCases {
		checkKeyBefore(t, []byte(c.in), everyOffset)
	}
}

// TestKeyBeforeCorpus compares keyBefore with keyBeforeRef on every corpus
// line at every digit, hex letter and colon (where addresses start).
func TestKeyBeforeCorpus(t *testing.T) {
	lines := loadCorpus(t)
	if testing.Short() {
		lines = lines[:len(lines)/10]
	}
	for _, c := range lines {
		b := []byte(c.Line)
		checkKeyBefore(t, b, func(i int) bool {
			return i < len(b) && (cls[b[i]]&cHex != 0 || b[i] == ':')
		})
	}
}

// keyFragments are the pieces TestKeyBeforeRandom builds text from: keys of
// every list in several spellings, Chinese keys, separators and digits.
func keyFragments() []string {
	var f []string
	words := [][]string{sourceKeys, destKeys, addrWords, versionWords, versionSuffixes}
	for _, l := range words {
		f = append(f, l...)
	}
	for _, r := range cjkRoles {
		f = append(f, r.suffix)
	}
	f = append(f,
		"Source", "IP", "Src_IP", "src-ip", "source.ip", "Destination", "Address",
		"X-Forwarded-For", "fw_ver", "App", "Version", "VERSION", "release-", "Chrome", "Linux",
		"host", "name", "user", "中", "发现", "的", "版本", "版本号", "地址", "IP地址", "服务",
		"a", "b", "x", "Z", "q", "ver", "sion", "vers", "ion", "_", "-", ".", "__", "-.",
		" ", " ", "\t", "=", ":", "：", "\"", "'", ">", "/", "-", ",", "(", "[", "\n",
		"1", "2", "10", "192", "1.2.3.4", "::1", "0", "abcdefghijklmnopqrstuvwxyz0123456789",
		"\x80", "\xff", "\xe4", "\xef\xbc", "\x9a",
	)
	return f
}

// TestKeyBeforeRandom compares keyBefore with keyBeforeRef at every offset
// of random strings built from key fragments.
func TestKeyBeforeRandom(t *testing.T) {
	frags := keyFragments()
	rng := rand.New(rand.NewPCG(3, 4))
	n := 6000 // FuzzKeyBefore explores further
	if testing.Short() || raceEnabled {
		n = 1000
	}
	var sb strings.Builder
	for range n {
		sb.Reset()
		for range 1 + rng.IntN(12) {
			f := frags[rng.IntN(len(frags))]
			switch rng.IntN(4) {
			case 0:
				f = strings.ToUpper(f)
			case 1:
				if len(f) > 1 {
					x := rng.IntN(len(f))
					f = f[:x] + "_-."[rng.IntN(3):][:1] + f[x:]
				}
			}
			sb.WriteString(f)
		}
		checkKeyBefore(t, []byte(sb.String()), everyOffset)
	}
}

// TestKeyBeforeLong covers keys near maxKey and lookBack, and two-word keys
// whose words are both long.
func TestKeyBeforeLong(t *testing.T) {
	for _, s := range []string{
		strings.Repeat("a", 40) + " ip=1",
		strings.Repeat("源", 20) + " ip=1",
		strings.Repeat("x_", 20) + " ip_address=1",
		strings.Repeat("目标", 10) + " Address" + strings.Repeat(" ", 5) + "1",
		strings.Repeat("y", 31) + " " + strings.Repeat("_", 20) + "ip=1",
		strings.Repeat("-", 31) + "i" + " host: 1",
		strings.Repeat("z", 100) + "version=1",
		strings.Repeat("a.", 16) + "version=1",
		strings.Repeat("a", 25) + "firmware=1",
		strings.Repeat("a", 24) + "version:1",
		strings.Repeat("a", 90) + "src=1",
		strings.Repeat("软件", 10) + "版本号：1",
	} {
		checkKeyBefore(t, []byte(s), everyOffset)
	}
}

// TestKeyBeforeWordPaths covers the in-place paths of keyAt and readKey:
// keys of 1 to 25 bytes (across the 8, 16 and 24-byte words) with _ - or
// '.' at every position, two-word keys whose words have them too, and,
// through checkKeyBefore's values of lo, keys cut at every position by lo.
func TestKeyBeforeWordPaths(t *testing.T) {
	base := "abcdefghijklmnopqrstuvwxy"
	cuts := []string{"_", "-", ".", "é"}
	var keys []string
	for n := 1; n <= len(base); n++ {
		keys = append(keys, base[:n])
		for x := 0; x <= n; x++ {
			keys = append(keys, base[:x]+cuts[(n+x)%len(cuts)]+base[x:n])
		}
	}
	// Listed keys with a cut at every position ("fw_ver", "src_ip",
	// "firm.ware", "ver_sion"): segments that are version words.
	for _, l := range [][]string{sourceKeys, destKeys, addrWords, versionWords} {
		for _, k := range l {
			for x := 0; x <= len(k); x++ {
				keys = append(keys, k[:x]+"_"+k[x:], "device_"+k[:x]+"-"+k[x:])
			}
		}
	}
	befores := []string{"", " ", "x ", "Source ", "SRC_", "我 ", "remote-", "Auth-Failure ", "again. ", "_ ", "--",
		"++++++++++ ", "++++++++++x ", "++++++++++s ", "++++++++++Source ", "++++++++++src_"} // far enough from lo for whole words
	afters := []string{"=1", ": 1", "\"：1", "/1", " 1", "：     1", "\"    ：1"}
	for x, k := range keys {
		// Each key in two contexts, in turn.
		for _, bf := range []string{befores[x%len(befores)], befores[(7*x+3)%len(befores)]} {
			af := afters[x%len(afters)]
			s := []byte(bf + k + af)
			checkKeyBefore(t, s, func(i int) bool { return i >= len(bf)+len(k) })
			// The value, with lo at every byte before it.
			i := len(s) - 1
			for lo := 0; lo <= i; lo++ {
				if got, want := keyBefore(s, i, lo), keyBeforeRef(s, i, lo); got != want {
					t.Fatalf("keyBefore(%q, %d, %d) = %d, want %d", s, i, lo, got, want)
				}
			}
		}
	}
	for _, a := range addrWords {
		for _, w := range []string{"ip", "Source", "source_", "x.forwarded", strings.Repeat("q", 15), strings.Repeat("r", 16), strings.Repeat("s_", 12), "目标"} {
			for _, sp := range []string{" ", "  ", "_ "} {
				s := []byte("++++++++++" + w + sp + strings.ToUpper(a) + ": 1")
				checkKeyBefore(t, s, func(i int) bool { return i >= len(s)-3 })
			}
		}
	}
}

// TestKeyBeforeTails covers the keys that wordKeyAt rejects by their end
// (keyTails) before reading all of them: keys of 8 bytes or more ending
// in the end of a listed word or not, host names and hex strings, keys
// whose folded form ends in a version suffix across segments, keys with a
// Chinese or other non-ASCII part before their ASCII end, and keys ending
// in _ - or '.'.
func TestKeyBeforeTails(t *testing.T) {
	var ends []string
	for _, l := range [][]string{sourceKeys, destKeys, addrWords, versionWords, versionSuffixes} {
		for _, w := range l {
			for m := 1; m <= len(w); m++ {
				ends = append(ends, w[len(w)-m:])
			}
		}
	}
	ends = append(ends, "fr", "com", "abcdefgh", "04676fe", "hostname", "ver.sion", "vers-ion", "v_ersion",
		"firm_ware", "re.vision", "ip_", "addr.", "ip-address", "forwarded-for")
	befores := []string{"test.domain.", "x", "xxxxxxxxxxxxxx", "app_", "攻击者", "目的", "源", "é", "0x7f65", "upstream_local_",
		"http", "remote.", "fw_", "firm", "Source ", "client-", "ab_c.d-e",
		// Joined with an address word (withWordBefore).
		"Auth-Failure ", "x_source ", "my-client ", "源 ", "a.b.remote ", "fw_ver ", "x-forwarded-for ", "app-version "}
	for x, e := range ends {
		for y, bf := range befores {
			if (x+y)%3 != 0 {
				continue // a third of the pairs: enough, and quick
			}
			for _, k := range []string{bf + e, strings.ToUpper(bf + e)} {
				s := []byte("++++++++++++++++++++" + k + "=1")
				checkKeyBefore(t, s, func(i int) bool { return i == len(s)-1 })
			}
		}
	}
}

// TestKeyTailsFilter checks the claim keyTails.mayEndWith makes, as keyAt
// uses it: a key that ends in 8 ASCII letters and digits, or in fewer
// after a byte that is in the key too, names nothing unless those letters
// and digits may end a listed word.
func TestKeyTailsFilter(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	frags := keyFragments()
	tested := 0
	for range 20000 {
		k := ""
		for range 1 + rng.IntN(4) {
			f := frags[rng.IntN(len(frags))]
			if rng.IntN(3) == 0 {
				f = "_-.é"[rng.IntN(4):][:1] + f
			}
			k += f
		}
		b := []byte("++++++++++++++++++++++++++++++++++++++++" + k + "=1")
		j := len(b) - 2
		v := binary.LittleEndian.Uint64(b[j-8 : j])
		h := lastLane(^plainLanes(v) & highLanes)
		if h == 63 || h >= 0 && keyByte[byte(v>>(h&56))]&(kbKeep|kbCut) == 0 {
			continue // no letter or digit at the end, or a key of them alone
		}
		tested++
		w := (v | lowerLanes) & (^uint64(0) << uint(h+1))
		if r := keyBeforeRef(b, len(b)-1, 0); r != keyNone && !keyTails.mayEndWith(w) {
			t.Fatalf("mayEndWith(%q) = false, but the key of %q is %d", b[j-8:j], b, r)
		}
	}
	if tested < 5000 {
		t.Errorf("only %d keys tested", tested)
	}
}

// TestKeyWords checks that every listed word is found in the table with its
// flags and that the table holds nothing else.
func TestKeyWords(t *testing.T) {
	want := map[string]uint8{}
	for _, l := range []wordList{{sourceKeys, kwSource}, {destKeys, kwDest}, {addrWords, kwAddr}, {versionWords, kwVersion}} {
		for _, s := range l.words {
			want[s] |= l.flags
		}
	}
	for s, f := range want {
		if got := keyWords.lookup(wordOf(s)[0], wordOf(s)[1], wordOf(s)[2]); got != f {
			t.Errorf("lookup(%q) = %b, want %b", s, got, f)
		}
	}
	n := 0
	for _, x := range keyWords.slot {
		if x != 0 {
			n++
		}
	}
	if n != len(want) {
		t.Errorf("%d slots used for %d words", n, len(want))
	}
	// short finds the words of less than 8 bytes, with their kind, and
	// nothing for the ends of longer words.
	for s, f := range want {
		kind := keyKind(f & kwRole)
		if f&kwVersion != 0 {
			kind = keyVersion
		}
		if len(s) < 8 {
			if e := keyWords.short(wordOf(s)[0]); e.flags != f || e.kind != kind {
				t.Errorf("short(%q) = %b %d, want %b %d", s, e.flags, e.kind, f, kind)
			}
		}
		for m := 1; m < min(8, len(s)); m++ {
			if _, ok := want[s[len(s)-m:]]; !ok {
				if e := keyWords.short(wordOf(s[len(s)-m:])[0]); e.flags != 0 || e.kind != keyNone {
					t.Errorf("short(%q) = %b %d, want nothing", s[len(s)-m:], e.flags, e.kind)
				}
			}
		}
	}
}

// FuzzKeyBefore compares keyBefore with keyBeforeRef at every offset of the
// input, for one value of lo.
func FuzzKeyBefore(f *testing.F) {
	for _, c := range extractCases {
		f.Add(c.in, uint8(0))
	}
	for _, c := range roleCases {
		f.Add(c.in, uint8(3))
	}
	f.Add("Source IP: 1.2.3.4", uint8(1))
	f.Add("攻击者IP：1.2.3.4", uint8(0))
	f.Add("fw_ver=1.2.3.4 release-1.2.3.4", uint8(2))
	f.Fuzz(func(t *testing.T, s string, lo uint8) {
		b := []byte(s)
		l := int(lo)
		for i := 0; i <= len(b); i++ {
			want := keyBeforeRef(b, i, min(l, i))
			if got := keyBefore(b, i, min(l, i)); got != want {
				t.Fatalf("keyBefore(%q, %d, %d) = %d, want %d", b, i, min(l, i), got, want)
			}
			checkNotVersion(t, b, i, min(l, i), want)
		}
	})
}
