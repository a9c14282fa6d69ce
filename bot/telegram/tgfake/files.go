package tgfake

import (
	"net/http"
	"strconv"
	"strings"
)

// storedFile is a file the fake can serve by file_id.
type storedFile struct {
	id, name, mime, path string
	data                 []byte
	size                 int64 // reported size (may exceed len(data) to test limits)
}

// storeFile keeps data under a new file_id; size 0 means len(data).
func (s *Server) storeFile(name, mime string, data []byte, size int64) storedFile {
	n := len(s.files) + 1
	if size == 0 {
		size = int64(len(data))
	}
	f := storedFile{id: "file-" + strconv.Itoa(n), name: name, mime: mime, data: data, size: size,
		path: "documents/file_" + strconv.Itoa(n) + extension(name)}
	s.files[f.id] = f
	return f
}

// extension is name's extension (with the dot), or "".
func extension(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 && !strings.ContainsAny(name[i:], "/ ") {
		return name[i:]
	}
	return ""
}

func (s *Server) sendDocument(p params) (any, error) {
	c, err := s.target(p)
	if err != nil {
		return nil, err
	}
	caption, err := checkText(p.str("caption"), p.str("parse_mode"), maxCaption, true)
	if err != nil {
		return nil, err
	}
	var f storedFile
	if up, ok := p.files["document"]; ok {
		f = s.storeFile(up.name, guessMIME(up.name), up.data, 0)
	} else if old, ok := s.files[p.str("document")]; ok {
		f = old
	} else {
		return nil, badRequest("there is no document in the request")
	}
	replyTo, err := s.replyTo(c, p)
	if err != nil {
		return nil, err
	}
	m := c.add(&Message{FromBot: true, UserID: BotID, ReplyTo: replyTo, Plain: caption,
		Document: &Document{FileID: f.id, Name: f.name, MIME: f.mime, Caption: caption, Data: f.data}})
	return s.wire(c, m), nil
}

// guessMIME is what Telegram clients report for common log files.
func guessMIME(name string) string {
	switch strings.ToLower(extension(name)) {
	case ".csv":
		return "text/csv"
	case ".txt", ".log":
		return "text/plain"
	case ".json":
		return "application/json"
	case ".png":
		return "image/png"
	case ".zip":
		return "application/zip"
	}
	return "application/octet-stream"
}

func (s *Server) getFile(p params) (any, error) {
	f, ok := s.files[p.str("file_id")]
	if !ok {
		return nil, badRequest("invalid file_id")
	}
	if f.size > maxDownload {
		return nil, badRequest("file is too big")
	}
	return map[string]any{"file_id": f.id, "file_unique_id": "u" + f.id, "file_size": f.size,
		"file_path": f.path}, nil
}

// serveFile serves /file/bot<token>/<file_path>.
func (s *Server) serveFile(w http.ResponseWriter, rest string) {
	token, path, ok := strings.Cut(rest, "/")
	if !ok || token != s.token {
		http.NotFound(w, nil)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls["download"]++
	for _, f := range s.files {
		if f.path == path && f.size <= maxDownload {
			w.Header().Set("Content-Type", "application/octet-stream")
			_, _ = w.Write(f.data)
			return
		}
	}
	http.NotFound(w, nil)
}
