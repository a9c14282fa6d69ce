package storage

import (
	"encoding/binary"

	"tibot/intel"
)

// encodeVerdict returns the cache value of v (header and body). IP is the
// key, Cached and Err are never stored.
func encodeVerdict(v intel.Verdict) []byte {
	e := encoder{b: make([]byte, verdictHeaderLen, 256)}
	e.b[0] = verdictV1
	binary.BigEndian.PutUint64(e.b[verdictFetchedOff:], uint64(unixNano(v.FetchedAt)))
	e.b[verdictLevelOff] = byte(v.Level)
	e.boolean(v.Malicious)
	e.str(v.Severity)
	e.str(v.SeverityZH)
	e.str(v.Confidence)
	e.str(v.ConfidenceZH)
	e.varint(int64(v.ConfidenceScore))
	e.strs(v.ThreatTypes)
	e.strs(v.ThreatTypesZH)
	e.strs(v.InfoTypes)
	e.strs(v.InfoTypesZH)
	e.uvarint(uint64(len(v.Tags)))
	for _, t := range v.Tags {
		e.str(t.Name)
		e.str(t.Type)
		e.str(t.TypeZH)
	}
	encodeVerdictTail(&e, v)
	return e.b
}

// encodeVerdictTail writes the fields after the tags.
func encodeVerdictTail(e *encoder, v intel.Verdict) {
	e.str(v.Location.Country)
	e.str(v.Location.CountryZH)
	e.str(v.Location.Province)
	e.str(v.Location.City)
	e.str(v.Location.CountryCode)
	e.str(v.Carrier)
	e.varint(int64(v.ASN.Number))
	e.str(v.ASN.Info)
	e.varint(int64(v.ASN.Rank))
	e.str(v.Scene)
	e.str(v.SceneZH)
	e.time(v.UpdatedAt)
	e.str(v.Permalink)
	e.str(v.Source)
	e.boolean(v.Deep)
}

// decodeVerdict is the inverse of encodeVerdict; the IP is left zero.
func decodeVerdict(raw []byte) (intel.Verdict, error) {
	if len(raw) < verdictHeaderLen || raw[0] != verdictV1 {
		return intel.Verdict{}, errCorrupt
	}
	var v intel.Verdict
	v.FetchedAt = timeOf(int64(binary.BigEndian.Uint64(raw[verdictFetchedOff:])))
	v.Level = intel.Level(raw[verdictLevelOff])
	d := newDecoder(raw[verdictHeaderLen:])
	v.Malicious = d.boolean()
	v.Severity = d.str()
	v.SeverityZH = d.str()
	v.Confidence = d.str()
	v.ConfidenceZH = d.str()
	v.ConfidenceScore = int(d.varint())
	v.ThreatTypes = d.strs()
	v.ThreatTypesZH = d.strs()
	v.InfoTypes = d.strs()
	v.InfoTypesZH = d.strs()
	if n := d.count(); n > 0 {
		v.Tags = make([]intel.Tag, n)
		for i := range v.Tags {
			v.Tags[i] = intel.Tag{Name: d.str(), Type: d.str(), TypeZH: d.str()}
		}
	}
	decodeVerdictTail(&d, &v)
	if d.err != nil || d.rest() != 0 {
		return intel.Verdict{}, errCorrupt
	}
	return v, nil
}

// decodeVerdictTail reads the fields after the tags.
func decodeVerdictTail(d *decoder, v *intel.Verdict) {
	v.Location = intel.Location{
		Country: d.str(), CountryZH: d.str(), Province: d.str(), City: d.str(), CountryCode: d.str(),
	}
	v.Carrier = d.str()
	v.ASN = intel.ASN{Number: int(d.varint()), Info: d.str(), Rank: int(d.varint())}
	v.Scene = d.str()
	v.SceneZH = d.str()
	v.UpdatedAt = d.time()
	v.Permalink = d.str()
	v.Source = d.str()
	v.Deep = d.boolean()
}
