package ioc

import (
	"bytes"
	"io"
	"unicode/utf8"
)

const (
	// bufSize is the fixed read buffer: memory does not grow with line
	// length or input size.
	bufSize = 64 << 10
	// keepBack is how much already-scanned text a refill keeps for look-back.
	keepBack = 128
	// tail is how much unscanned text must follow the scan limit before the
	// end of input, so that every step sees all the bytes it may read.
	tail = 1024
)

// stream runs the scanner over a reader with a fixed buffer. A refill keeps
// the unscanned tail and keepBack bytes before it, so the scanner makes the
// same decisions whatever the buffer size or read pattern.
type stream struct {
	r     io.Reader
	buf   []byte
	n     int // bytes in buf
	eof   bool
	err   error
	sc    scanner
	lines int // newlines in buf[:lineAt] and in text dropped before it
	// lineAt is how far newlines are counted; utf8At how far UTF-8 and NUL
	// bytes are checked.
	lineAt, utf8At int
	bytes          int64
	last           byte // last byte read
	nul            bool
	invalid        int64 // bytes that are not valid UTF-8
}

func newStream(r io.Reader, size int) *stream {
	return &stream{r: r, buf: make([]byte, size)}
}

// newStreamBytes scans b in one piece, with no reader.
func newStreamBytes(b []byte) *stream {
	s := &stream{buf: b, n: len(b), eof: true, bytes: int64(len(b))}
	s.sc = scanner{b: b, limit: len(b)}
	if len(b) > 0 {
		s.last = b[len(b)-1]
	}
	return s
}

// next reports the next address occurrence in f. At the end of input it
// returns false; s.err then holds any read error.
func (s *stream) next(f *found) bool {
	for {
		if s.sc.next(f) {
			if f.start-s.utf8At >= bufSize {
				// Scanning in place (ExtractBytes): count lines and check
				// the text behind the scanner while it is still in cache.
				// Every later occurrence starts after this one.
				s.countLines(f.start)
				s.checkText(f.start)
			}
			return true
		}
		if s.eof {
			s.countLines(s.n)
			s.checkText(s.n)
			return false
		}
		s.refill()
	}
}

// lineOf returns the 1-based line of the byte at buffer offset p. Counting
// never goes back: p must not be before an offset asked for earlier, except
// inside the same run of text without a newline.
func (s *stream) lineOf(p int) int {
	s.countLines(p)
	return s.lines + 1
}

func (s *stream) countLines(p int) {
	if p > s.lineAt {
		s.lines += bytes.Count(s.buf[s.lineAt:p], []byte{'\n'})
		s.lineAt = p
	}
}

// refill drops scanned text except keepBack bytes and reads until the buffer
// is full or the input ends.
func (s *stream) refill() {
	pos := s.sc.i
	s.countLines(pos)
	s.checkText(pos)
	keep := max(0, pos-keepBack)
	copy(s.buf, s.buf[keep:s.n])
	s.n -= keep
	s.lineAt -= keep
	s.utf8At -= keep
	zero := 0
	for s.n < len(s.buf) && !s.eof {
		m, err := s.r.Read(s.buf[s.n:])
		s.account(s.buf[s.n : s.n+m])
		s.n += m
		switch {
		case err == io.EOF:
			s.eof = true
		case err != nil:
			s.err, s.eof = err, true
		case m == 0:
			if zero++; zero > 100 {
				s.err, s.eof = io.ErrNoProgress, true
			}
		}
	}
	limit := s.n - tail
	if s.eof {
		limit = s.n
	}
	s.sc = scanner{b: s.buf[:s.n], i: pos - keep, limit: limit, floor: max(0, s.sc.floor-keep), seen: s.sc.seen, tally: s.sc.tally}
}

func (s *stream) account(p []byte) {
	if len(p) == 0 {
		return
	}
	s.bytes += int64(len(p))
	s.last = p[len(p)-1]
}

// checkText counts invalid UTF-8 bytes and notes NUL bytes in
// buf[utf8At:p], leaving a character cut by p for the next call unless the
// input has ended. Plain ASCII, nearly all of a log, is skipped a block at
// a time by special.
func (s *stream) checkText(p int) {
	if !s.eof || p < s.n {
		for q := p; q > s.utf8At && q > p-utf8.UTFMax; q-- {
			if utf8.RuneStart(s.buf[q-1]) {
				if !utf8.FullRune(s.buf[q-1 : p]) {
					p = q - 1
				}
				break
			}
		}
	}
	if p <= s.utf8At {
		return
	}
	b := s.buf[s.utf8At:p]
	s.utf8At = p
	for {
		b = b[special(b):]
		if len(b) == 0 {
			return
		}
		for len(b) > 0 && (b[0] == 0 || b[0] >= utf8.RuneSelf) {
			if b[0] == 0 {
				s.nul = true
				b = b[1:]
				continue
			}
			r, size := utf8.DecodeRune(b)
			if r == utf8.RuneError && size == 1 {
				s.invalid++
			}
			b = b[size:]
		}
	}
}

// binary reports whether the input read so far looked binary: a NUL byte,
// or more than a quarter of it not valid UTF-8.
func (s *stream) binary() bool {
	s.checkText(s.n)
	return s.nul || s.invalid*4 > s.bytes
}

// lineCount is the number of lines read, counting a last line without '\n'.
func (s *stream) lineCount() int {
	if s.bytes > 0 && s.last != '\n' {
		return s.lines + 1
	}
	return s.lines
}
