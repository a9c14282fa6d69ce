package threatbook

// Typed values for the fast decoder (fastrep.go). Each consumes one value
// and stores it the way encoding/json would store it into a fresh field,
// or reports false when encoding/json would see a type mismatch.

// members consumes an object whose known keys are names: field is called
// with the name and must consume the value. Values of other keys are
// skipped. It gives up on a repeated key, on a key with escapes or
// non-ASCII bytes, and on a key equal to a name but for case (encoding/json
// binds such keys to the field). names holds at most 32 entries.
func (s *scanner) members(names []string, field func(name string) bool) bool {
	var seen uint32
	return s.object(func(lit []byte, kind strKind) bool {
		if kind != 0 {
			return false
		}
		key := lit[1 : len(lit)-1]
		for i, name := range names {
			if string(key) == name {
				if seen&(1<<i) != 0 {
					return false
				}
				seen |= 1 << i
				return field(name)
			}
		}
		for _, name := range names {
			if asciiEqualFold(key, name) {
				return false
			}
		}
		return s.skip()
	})
}

// asciiEqualFold compares ASCII key and name ignoring letter case.
func asciiEqualFold(key []byte, name string) bool {
	if len(key) != len(name) {
		return false
	}
	for i, c := range key {
		if lower(c) != lower(name[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// text decodes a string field; null leaves it as it is.
func (s *scanner) text(dst *string) bool {
	if s.null() {
		return true
	}
	lit, kind, ok := s.str()
	if !ok {
		return false
	}
	*dst, ok = unquote(lit, kind)
	return ok
}

// enum is text for fields with a small set of usual values (severity,
// scene, judgments, …): a usual value is shared instead of allocated.
func (s *scanner) enum(dst *string) bool {
	if s.null() {
		return true
	}
	lit, kind, ok := s.str()
	if !ok {
		return false
	}
	if v, found := usual[string(lit[1:len(lit)-1])]; kind == 0 && found {
		*dst = v
		return true
	}
	*dst, ok = unquote(lit, kind)
	return ok
}

// usual holds the dictionary's spellings of enumerated values and the
// country codes, each mapped to itself.
var usual = func() map[string]string {
	m := map[string]string{"OK": "OK"}
	for _, t := range []map[string]string{scenes.exact, severities.exact, confidences.exact, tagTypes.exact, countries} {
		for k := range t {
			m[k] = k
		}
	}
	for _, t := range types {
		m[t.Name] = t.Name
	}
	return m
}()

// boolean decodes a bool field; null leaves it as it is.
func (s *scanner) boolean(dst *bool) bool {
	switch s.peek() {
	case 't':
		*dst = true
		return s.word("true")
	case 'f':
		*dst = false
		return s.word("false")
	}
	return s.null()
}

// texts decodes a []string field: null gives nil, [] an empty slice.
func (s *scanner) texts(dst *[]string) bool {
	if s.null() {
		*dst = nil
		return true
	}
	out := []string{}
	ok := s.array(func() bool {
		var v string
		ok := s.enum(&v)
		out = append(out, v)
		return ok
	})
	*dst = out
	return ok
}

// flex decodes a flexInt field: like encoding/json, it hands the raw value,
// whatever its type, to flexInt.UnmarshalJSON.
func (s *scanner) flex(dst *flexInt) bool {
	raw, ok := s.raw()
	return ok && dst.UnmarshalJSON(raw) == nil
}
