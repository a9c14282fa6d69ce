package tgfake

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// Telegram's JSON shapes, as much of them as the fake serves.
type (
	wireUser struct {
		ID        int64  `json:"id"`
		IsBot     bool   `json:"is_bot"`
		FirstName string `json:"first_name"`
		Username  string `json:"username,omitempty"`
	}
	wireChat struct {
		ID    int64  `json:"id"`
		Type  string `json:"type"`
		Title string `json:"title,omitempty"`
	}
	wireEntity struct {
		Type   string `json:"type"`
		Offset int    `json:"offset"`
		Length int    `json:"length"`
	}
	wireDocument struct {
		FileID       string `json:"file_id"`
		FileUniqueID string `json:"file_unique_id"`
		FileName     string `json:"file_name,omitempty"`
		MimeType     string `json:"mime_type,omitempty"`
		FileSize     int64  `json:"file_size,omitempty"`
	}
	wireMessage struct {
		MessageID   int             `json:"message_id"`
		From        *wireUser       `json:"from,omitempty"`
		Chat        wireChat        `json:"chat"`
		Date        int64           `json:"date"`
		EditDate    int64           `json:"edit_date,omitempty"`
		Text        string          `json:"text,omitempty"`
		Entities    []wireEntity    `json:"entities,omitempty"`
		Caption     string          `json:"caption,omitempty"`
		Document    *wireDocument   `json:"document,omitempty"`
		ReplyMarkup json.RawMessage `json:"reply_markup,omitempty"`
	}
	wireCallback struct {
		ID           string       `json:"id"`
		From         wireUser     `json:"from"`
		Message      *wireMessage `json:"message,omitempty"`
		ChatInstance string       `json:"chat_instance"`
		Data         string       `json:"data,omitempty"`
	}
	update struct {
		UpdateID      int           `json:"update_id"`
		Message       *wireMessage  `json:"message,omitempty"`
		CallbackQuery *wireCallback `json:"callback_query,omitempty"`
	}
)

// params are a request's parameters (query, form, multipart or JSON body).
type params struct {
	v     map[string]string
	files map[string]upload
}

// upload is a multipart file part.
type upload struct {
	name, mime string
	data       []byte
}

func (p params) str(k string) string { return p.v[k] }

// int64 parses an integer parameter; missing is 0.
func (p params) int64(k string) (int64, error) {
	s := p.v[k]
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, badRequest(fmt.Sprintf("field %q must be an integer", k))
	}
	return n, nil
}

// maxUpload bounds a multipart request (Telegram: 50 MB per upload).
const maxUpload = 50 << 20

// parseParams reads the request's parameters like the Bot API does.
func parseParams(r *http.Request) (params, error) {
	p := params{v: map[string]string{}, files: map[string]upload{}}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(maxUpload); err != nil {
			return p, err
		}
		for k, fhs := range r.MultipartForm.File {
			f, err := fhs[0].Open()
			if err != nil {
				return p, err
			}
			data, err := io.ReadAll(f)
			f.Close()
			if err != nil {
				return p, err
			}
			p.files[k] = upload{name: fhs[0].Filename, mime: fhs[0].Header.Get("Content-Type"), data: data}
		}
	case "application/json":
		return p, parseJSON(r.Body, p)
	default:
		if err := r.ParseForm(); err != nil {
			return p, err
		}
	}
	for k, vs := range r.Form {
		p.v[k] = vs[0]
	}
	return p, nil
}

// parseJSON flattens a JSON body: strings as they are, anything else as JSON.
func parseJSON(body io.Reader, p params) error {
	var m map[string]json.RawMessage
	if err := json.NewDecoder(body).Decode(&m); err != nil {
		return err
	}
	for k, raw := range m {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			p.v[k] = s
		} else {
			p.v[k] = strings.TrimSpace(string(raw))
		}
	}
	return nil
}
