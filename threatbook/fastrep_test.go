package threatbook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"tibot/intel"
	"tibot/threatbook/threatbooktest"
)

// sameDecode decodes body with decodeEnvelope (fast path where it can) and
// with encoding/json only, and fails t unless the envelopes, the errors and
// the verdicts are the same. It reports whether the fast path took body.
func sameDecode(t testing.TB, body []byte) (fast bool) {
	t.Helper()
	fast = decodeRepFast(body, new(envelope[repIP]))
	got, err := decodeEnvelope[repIP](body)
	want, wantErr := decodeEnvelopeStd[repIP](body)
	if fmt.Sprint(err) != fmt.Sprint(wantErr) {
		t.Fatalf("fast %v: error %v, encoding/json %v\nbody %q", fast, err, wantErr, body)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("fast %v: envelopes differ\n got %#v\nwant %#v\nbody %q", fast, got, want, body)
	}
	if got != nil && !reflect.DeepEqual(verdictsOf(got), verdictsOf(want)) {
		t.Fatalf("verdicts differ for %q", body)
	}
	return fast
}

// verdictsOf builds the verdicts Lookup would store for every key of data.
func verdictsOf(env *envelope[repIP]) map[netip.Addr]intel.Verdict {
	var ips []netip.Addr
	for s := range env.Data {
		if a, err := netip.ParseAddr(strings.TrimSpace(s)); err == nil {
			ips = append(ips, norm(a))
		}
	}
	got := make(map[netip.Addr]intel.Verdict, len(ips))
	storeReputation(got, ips, env.Data, t0)
	return got
}

func TestFastDecodeFixtures(t *testing.T) {
	files, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".json") {
			continue
		}
		body := readFixture(t, f.Name())
		if !sameDecode(t, body) {
			t.Errorf("%s: fast path refused a fixture", f.Name())
		}
	}
}

// generatedBatches returns n realistic 100-entry answers from the fake,
// over addresses of every category (no-data ones are simply absent).
func generatedBatches(n int) [][]byte {
	var out [][]byte
	for k := range n {
		var b bytes.Buffer
		b.WriteString(`{"response_code":0,"verbose_msg":"OK","data":{`)
		for i := range BatchSize {
			ip := netip.AddrFrom4([4]byte{byte(1 + k%200), byte(k), byte(i * 7), byte(i)})
			entry, ok := threatbooktest.Generate(ip, threatbooktest.EndpointReputation)
			if !ok {
				continue
			}
			if b.Len() > 50 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, "%q:%s", ip, entry)
		}
		b.WriteString(`}}`)
		out = append(out, b.Bytes())
	}
	return out
}

func TestFastDecodeGenerated(t *testing.T) {
	for i, body := range generatedBatches(30) {
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, body, "", "\t"); err != nil {
			t.Fatal(err)
		}
		for _, b := range [][]byte{body, pretty.Bytes()} {
			if !sameDecode(t, b) {
				t.Fatalf("batch %d: fast path refused a generated body", i)
			}
		}
	}
}

// variants are edits of a well-formed answer: some the fast path takes
// (numbers as strings, nulls, escapes), some it must hand to encoding/json
// (wrong types, repeated or case-folded keys), some that fail either way.
var variants = []struct {
	old, new string
	fast     bool // the fast path takes the single edit
}{
	{`"number":64500`, `"number":"64500"`, true},
	{`"rank":2`, `"rank":"x"`, true},
	{`"rank":2`, `"rank":2.7e1`, true},
	{`"rank":2`, `"rank":{"a":[1,"2"]}`, true},
	{`"rank":2`, `"rank":null`, true},
	{`"tags_classes":[]`, `"tags_classes":null`, true},
	{`"tags_classes":[]`, `"tags_classes":[null,{"tags":null,"tags_type":null}]`, true},
	{`"judgments":[`, `"judgments":[null,"Sp\u0061m",`, true},
	{`"basic":{`, `"basic":null,"x":{`, true},
	{`"asn":{`, `"asn":null,"y":{`, true},
	{`"permalink":"https://x.threatbook.com/`, `"permalink":"https:\/\/x.threatbook.com\/`, true},
	{`"carrier":"`, `"carrier":"\u00e9\ud83d\ude00\ud800 Ü `, true},
	{`"city":"`, `"city":"` + "\xff\xfe", true},
	{`"is_malicious":false`, `"is_malicious":"no"`, false},
	{`"is_malicious":true`, `"is_malicious":1`, false},
	{`"severity":"`, `"Severity":"high","severity":"`, false},
	{`"scene":"`, `"scene":"a","scene":"`, false},
	{`"scene":`, `"sc\u0065ne":`, false},
	{`"scene":`, `"ſcene":"",  "scene":`, false},
	{`"country_code":"`, `"COUNTRY_CODE":"`, false},
	{`"lng":"`, `"lng":[true,false,null,-0.5e-3,{}],"lat2":"`, true},
	{`"verbose_msg":"OK"`, `"verbose_msg":7`, false},
	{`"verbose_msg":"OK"`, `"verbose_msg":null`, true},
	{`"response_code":0`, `"response_code":"0"`, true},
	{`"response_code":0`, `"response_code":1.0`, true},
	{`"response_code":0`, `"response_code":-5 , "extra":{"data":1}`, true},
	{`{"response_code"`, ` {"response_code"`, true},
	{`}}`, `}} `, true},
	{`}}`, `}}x`, false},
	{`}}`, `},"data":{}}`, true},
	{`"data":{`, `"data":{"1.2.3.4":null,"1.2.3.4 ":{},`, true},
	{`"data":{`, `"data":{"192.0.2.1":{},"192.0.2.1":{"scene":"x"},`, false},
	{`"data":{`, `"data":{"::ffff:192.0.2.9":{"severity":"low"},"bad key":5,`, false},
	{`"data":{`, `"DATA":{},"data":{`, false},
	{`"rank":2`, `"rank":02`, false},
	{`"rank":2`, `"rank":-`, false},
	{`"scene":"`, "\"scene\":\"\t", false},
}

func TestFastDecodeVariants(t *testing.T) {
	body := generatedBatches(1)[0]
	for _, v := range variants {
		if !bytes.Contains(body, []byte(v.old)) {
			t.Fatalf("%q is not in the generated body", v.old)
		}
		b := bytes.ReplaceAll(body, []byte(v.old), []byte(v.new))
		sameDecode(t, b)
		if fast := sameDecode(t, bytes.Replace(body, []byte(v.old), []byte(v.new), 1)); fast != v.fast {
			t.Errorf("%s: fast path %v, want %v", v.new, fast, v.fast)
		}
	}
}

func TestFastDecodeTruncated(t *testing.T) {
	body := bytes.TrimSpace(readFixture(t, "reputation-batch-mixed.json"))
	for n := range len(body) {
		if sameDecode(t, body[:n]) {
			t.Fatalf("fast path took a body cut at %d", n)
		}
	}
}

// edgeBodies are whole bodies at the edges of the grammar and the shape.
var edgeBodies = []string{
	``, ` `, `null`, `[]`, `0`, `"x"`, `{}`, "\ufeff{}", `{"response_code":0}`, `{"response_code":0,}`,
	`{"response_code":{} ,"data":null}`, "{\"response_code\":[1,2]\n}", `{"response_code":"x"	}`,
	`{"response_code":-0}`, `{"response_code":1e1}`, `{"response_code":12 }`, `{"response_code":true}`,
	`{"response_code":0,"data":{"\u0031.2.3.4":{"scene":"\u4e91"}}}`, `{"response_code":0,"data":{"1.2.3.4":[]}}`,
	`{"response_code":0,"data":[]}`, `{"response_code":-4,"data":""}`, `{"response_code":0,"data":{"":{}}}`,
	`{"response_code":0,"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`,
	`{"response_code":0,"data":{"1.2.3.4":{"judgments":["C2"` + strings.Repeat(`,"C2"`, 50) + `]}}}`,
}

func TestFastDecodeEdgeBodies(t *testing.T) {
	for _, b := range edgeBodies {
		sameDecode(t, []byte(b))
	}
}

// TestFastNamesMatchTags keeps the fast decoder's field names in step with
// the struct tags encoding/json uses.
func TestFastNamesMatchTags(t *testing.T) {
	for _, tc := range []struct {
		v     any
		names []string
	}{
		{envelope[repIP]{}, envNames}, {repIP{}, repNames}, {tagClass{}, tagNames},
		{basic{}, basicNames}, {location{}, locNames}, {asn{}, asnNames},
	} {
		var tags []string
		typ := reflect.TypeOf(tc.v)
		for i := range typ.NumField() {
			if tag := typ.Field(i).Tag.Get("json"); tag != "" {
				tags = append(tags, tag)
			}
		}
		if !slices.Equal(tags, tc.names) {
			t.Errorf("%s: tags %q, fast decoder names %q", typ, tags, tc.names)
		}
	}
}

func FuzzDecodeReputation(f *testing.F) {
	files, _ := os.ReadDir("testdata")
	for _, fi := range files {
		f.Add(readFixture(f, fi.Name()))
	}
	for _, b := range edgeBodies {
		f.Add([]byte(b))
	}
	body := generatedBatches(1)[0]
	f.Add(body)
	for _, v := range variants {
		f.Add(bytes.Replace(body, []byte(v.old), []byte(v.new), 1))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		sameDecode(t, body)
	})
}
