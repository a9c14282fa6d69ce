package threatbook

import (
	"encoding/json"
	"unicode/utf8"
)

// scanner is a small JSON tokenizer over one in-memory body, used by the
// fast reputation decoder (fastrep.go). Every method reports false on
// anything it does not fully understand; the caller then gives up and lets
// encoding/json decode the whole body. The scanner therefore never has to
// accept everything, only never accept something encoding/json rejects.
type scanner struct {
	b     []byte
	i     int
	depth int
}

// maxDepth bounds nesting; deeper bodies go to encoding/json.
const maxDepth = 64

// strKind says what a string literal holds besides plain printable ASCII.
type strKind uint8

const (
	strEscaped strKind = 1 << iota // a backslash escape
	strHigh                        // a byte >= 0x80
)

// peek skips white space and returns the next byte, or 0 at the end.
func (s *scanner) peek() byte {
	for s.i < len(s.b) {
		switch c := s.b[s.i]; c {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return c
		}
	}
	return 0
}

// eat consumes c if it is the next byte after white space.
func (s *scanner) eat(c byte) bool {
	if s.peek() == c {
		s.i++
		return true
	}
	return false
}

// end reports whether only white space is left.
func (s *scanner) end() bool { return s.peek() == 0 && s.i == len(s.b) }

// word consumes the literal w (true, false or null).
func (s *scanner) word(w string) bool {
	s.peek()
	if len(s.b)-s.i < len(w) || string(s.b[s.i:s.i+len(w)]) != w {
		return false
	}
	s.i += len(w)
	return true
}

// null consumes a null literal if one is next.
func (s *scanner) null() bool { return s.peek() == 'n' && s.word("null") }

// str scans a string literal and returns it with its quotes.
func (s *scanner) str() (lit []byte, kind strKind, ok bool) {
	if s.peek() != '"' {
		return nil, 0, false
	}
	start := s.i
	for s.i++; s.i < len(s.b); {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			return s.b[start:s.i], kind, true
		case c == '\\':
			kind |= strEscaped
			if !s.escape() {
				return nil, 0, false
			}
		case c < 0x20:
			return nil, 0, false
		case c >= utf8.RuneSelf:
			kind |= strHigh
			s.i++
		default:
			s.i++
		}
	}
	return nil, 0, false
}

// escape consumes one backslash escape.
func (s *scanner) escape() bool {
	if s.i+1 >= len(s.b) {
		return false
	}
	switch s.b[s.i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		s.i += 2
		return true
	case 'u':
		if s.i+6 > len(s.b) {
			return false
		}
		for _, c := range s.b[s.i+2 : s.i+6] {
			if !isHex(c) {
				return false
			}
		}
		s.i += 6
		return true
	}
	return false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// unquote returns the value of a string literal. Plain literals are copied
// as they are; anything with escapes or invalid UTF-8 is handed to
// encoding/json so that the result is the same byte for byte.
func unquote(lit []byte, kind strKind) (string, bool) {
	in := lit[1 : len(lit)-1]
	if kind == 0 || kind == strHigh && utf8.Valid(in) {
		return string(in), true
	}
	var v string
	return v, json.Unmarshal(lit, &v) == nil
}

// number consumes a number literal, checking the JSON grammar.
func (s *scanner) number() bool {
	b, i := s.b, s.i
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = digits(b, i)
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		if i = digits(b, i+1); b[i-1] == '.' {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := digits(b, i)
		if j == i {
			return false
		}
		i = j
	}
	s.i = i
	return true
}

// digits returns the index after the run of digits starting at i.
func digits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}

// skip consumes any one value, checking it fully.
func (s *scanner) skip() bool {
	switch s.peek() {
	case '"':
		_, _, ok := s.str()
		return ok
	case '{':
		return s.object(func([]byte, strKind) bool { return s.skip() })
	case '[':
		return s.array(s.skip)
	case 't':
		return s.word("true")
	case 'f':
		return s.word("false")
	case 'n':
		return s.word("null")
	}
	return s.number()
}

// raw consumes any one value and returns its bytes.
func (s *scanner) raw() ([]byte, bool) {
	s.peek()
	start := s.i
	ok := s.skip()
	return s.b[start:s.i], ok
}

// object consumes an object, calling member for each key (the literal, with
// its quotes) once the colon is consumed; member must consume the value.
func (s *scanner) object(member func(key []byte, kind strKind) bool) bool {
	if !s.eat('{') || s.depth >= maxDepth {
		return false
	}
	s.depth++
	if s.eat('}') {
		s.depth--
		return true
	}
	for {
		key, kind, ok := s.str()
		if !ok || !s.eat(':') || !member(key, kind) {
			return false
		}
		if s.eat(',') {
			continue
		}
		s.depth--
		return s.eat('}')
	}
}

// array consumes an array, calling elem to consume each element.
func (s *scanner) array(elem func() bool) bool {
	if !s.eat('[') || s.depth >= maxDepth {
		return false
	}
	s.depth++
	if s.eat(']') {
		s.depth--
		return true
	}
	for {
		if !elem() {
			return false
		}
		if s.eat(',') {
			continue
		}
		s.depth--
		return s.eat(']')
	}
}
