package threatbook

import "encoding/json"

// The fast path for ip_reputation answers. encoding/json spends most of a
// batch's decode time in reflection and in validating the body twice; this
// decoder reads the one documented shape (api.md §1.2) in a single pass.
//
// It must produce exactly what encoding/json produces, so it only accepts
// bodies whose meaning is plain: well-formed JSON, every known field of its
// expected type (or null), no repeated keys, no key that encoding/json's
// case-insensitive matching could bind to a field. On anything else it
// gives up and decodeEnvelope uses encoding/json, which also carries the
// leniency for wrongly typed fields. fastrep_test.go checks the two against
// each other on the fixtures, on generated bodies and under fuzzing.

// JSON names of the decoded fields; TestFastNamesMatchTags keeps them in
// step with the struct tags in wire.go.
var (
	envNames = []string{"response_code", "verbose_msg", "data"}
	repNames = []string{"is_malicious", "severity", "confidence_level", "judgments", "tags_classes",
		"basic", "asn", "scene", "update_time", "permalink"}
	tagNames   = []string{"tags", "tags_type"}
	basicNames = []string{"carrier", "location"}
	locNames   = []string{"country", "province", "city", "country_code"}
	asnNames   = []string{"rank", "info", "number"}
)

// decodeRepFast decodes body into env, which must be zero. It reports
// false, leaving env in an unspecified state, when the body is not one it
// can decode exactly like encoding/json.
func decodeRepFast(body []byte, env *envelope[repIP]) bool {
	s := &scanner{b: body}
	return s.members(envNames, func(name string) bool {
		switch name {
		case "response_code":
			raw, ok := s.raw()
			env.RawCode = append(json.RawMessage(nil), raw...)
			return ok
		case "verbose_msg":
			return s.enum(&env.Msg)
		}
		return s.repData(&env.Data)
	}) && s.end()
}

// repData decodes data: null or a map of IP → entry.
func (s *scanner) repData(dst *map[string]repIP) bool {
	if s.null() {
		*dst = nil
		return true
	}
	// An entry takes some 450 bytes; a batch holds at most BatchSize.
	m := make(map[string]repIP, min(len(s.b)/256, BatchSize))
	*dst = m
	return s.object(func(lit []byte, kind strKind) bool {
		ip, ok := unquote(lit, kind)
		if _, dup := m[ip]; !ok || dup {
			return false
		}
		var r repIP
		if !s.null() && !s.repEntry(&r) {
			return false
		}
		m[ip] = r
		return true
	})
}

func (s *scanner) repEntry(r *repIP) bool {
	return s.members(repNames, func(name string) bool {
		switch name {
		case "is_malicious":
			return s.boolean(&r.IsMalicious)
		case "severity":
			return s.enum(&r.Severity)
		case "confidence_level":
			return s.enum(&r.Confidence)
		case "judgments":
			return s.texts(&r.Judgments)
		case "tags_classes":
			return s.tagClasses(&r.TagsClasses)
		case "basic":
			return s.basic(&r.Basic)
		case "asn":
			return s.asn(&r.ASN)
		case "scene":
			return s.enum(&r.Scene)
		case "update_time":
			return s.text(&r.UpdateTime)
		}
		return s.text(&r.Permalink)
	})
}

func (s *scanner) tagClasses(dst *[]tagClass) bool {
	if s.null() {
		*dst = nil
		return true
	}
	out := []tagClass{}
	ok := s.array(func() bool {
		var c tagClass
		ok := s.null() || s.members(tagNames, func(name string) bool {
			if name == "tags" {
				return s.texts(&c.Tags)
			}
			return s.enum(&c.TagsType)
		})
		out = append(out, c)
		return ok
	})
	*dst = out
	return ok
}

func (s *scanner) basic(b *basic) bool {
	return s.null() || s.members(basicNames, func(name string) bool {
		if name == "carrier" {
			return s.text(&b.Carrier)
		}
		return s.location(&b.Location)
	})
}

func (s *scanner) location(l *location) bool {
	return s.null() || s.members(locNames, func(name string) bool {
		switch name {
		case "country":
			return s.text(&l.Country)
		case "province":
			return s.text(&l.Province)
		case "city":
			return s.text(&l.City)
		}
		return s.enum(&l.CountryCode)
	})
}

func (s *scanner) asn(a *asn) bool {
	return s.null() || s.members(asnNames, func(name string) bool {
		switch name {
		case "rank":
			return s.flex(&a.Rank)
		case "info":
			return s.text(&a.Info)
		}
		return s.flex(&a.Number)
	})
}
