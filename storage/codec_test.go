package storage

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"tibot/intel"
)

// notStored lists the Verdict fields the cache deliberately does not encode.
var notStored = map[string]bool{
	"IP":     true, // the key
	"Cached": true, // set on read
	"Err":    true, // errors are never cached
}

// fill sets every settable field of v (recursively) to a distinct non-zero
// value, so a field the codec forgets shows up as a difference.
func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d-中文", *n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*n * 1000))
	case reflect.Uint8:
		v.SetUint(uint64(*n % 5))
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i), n)
		}
		v.Set(s)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Unix(1_700_000_000+int64(*n), int64(*n)).UTC()))
			return
		}
		for i := range v.NumField() {
			if f := v.Type().Field(i); f.IsExported() && !notStored[f.Name] {
				fill(v.Field(i), n)
			}
		}
	}
}

func TestVerdictCodecCoversEveryField(t *testing.T) {
	var want intel.Verdict
	n := 0
	fill(reflect.ValueOf(&want).Elem(), &n)
	got, err := decodeVerdict(encodeVerdict(want))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmpDiff(want, got); diff != "" {
		t.Fatalf("round trip lost fields (update verdict_codec.go and bump verdictV1 if the layout changes) (-want +got):\n%s", diff)
	}
}

func TestVerdictCodecZeroAndCorrupt(t *testing.T) {
	zero := intel.Verdict{FetchedAt: time.Unix(0, 1).UTC()}
	got, err := decodeVerdict(encodeVerdict(zero))
	if err != nil || cmpDiff(got, zero) != "" {
		t.Fatalf("zero verdict round trip = %+v, %v", got, err)
	}
	raw := encodeVerdict(intel.Verdict{Severity: "high", ThreatTypes: []string{"C2"}})
	for _, bad := range [][]byte{nil, raw[:5], raw[:len(raw)-1], append(append([]byte{}, raw...), 0)} {
		if _, err := decodeVerdict(bad); err == nil {
			t.Errorf("decodeVerdict(%x) succeeded", bad)
		}
	}
	wrongVersion := append([]byte{}, raw...)
	wrongVersion[0] = 99
	if _, err := decodeVerdict(wrongVersion); err == nil {
		t.Error("unknown encoding version accepted")
	}
}

func TestLookupCodec(t *testing.T) {
	e := intel.LookupEvent{
		At: time.Unix(1_700_000_000, 5).UTC(), IP: ip("2001:db8::7"), Level: intel.LevelSuspicious,
		ThreatTypes: []string{"Spam", "Zombie"}, Platform: "slack", Chat: "C1", User: "U1", Cached: true,
	}
	got, err := decodeLookup(historyKey(e.At, e.IP, 42), encodeLookup(e))
	if err != nil || cmpDiff(got, e) != "" {
		t.Fatalf("lookup round trip = %+v, %v; want %+v", got, err, e)
	}
}

func TestVarints(t *testing.T) {
	us := []uint64{0, 1, 127, 128, 300, 1<<32 + 5, 1<<63 - 1, 1<<64 - 1}
	is := []int64{0, 1, -1, 63, -64, 64, -65, 1 << 40, -(1 << 40), 1<<63 - 1, -1 << 63}
	var e encoder
	for _, u := range us {
		e.uvarint(u)
	}
	for _, i := range is {
		e.varint(i)
	}
	d := newDecoder(e.b)
	for _, want := range us {
		if got := d.uvarint(); got != want {
			t.Errorf("uvarint %d decoded as %d", want, got)
		}
	}
	for _, want := range is {
		if got := d.varint(); got != want {
			t.Errorf("varint %d decoded as %d", want, got)
		}
	}
	if d.err != nil || d.rest() != 0 {
		t.Fatalf("err %v, %d bytes left", d.err, d.rest())
	}
	overflow := newDecoder([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02})
	if overflow.uvarint(); overflow.err == nil {
		t.Error("overflowing uvarint accepted")
	}
}
