package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"tibot/bot"
	"tibot/intel"
)

// binaryMIME lists MIME type prefixes that are certainly not text logs.
var binaryMIME = []string{
	"image/", "video/", "audio/", "font/", "application/pdf", "application/zip",
	"application/gzip", "application/x-gzip", "application/x-7z", "application/x-rar",
	"application/vnd.rar", "application/x-tar", "application/x-bzip", "application/x-xz",
	"application/msword", "application/vnd.", "application/x-msdownload", "application/x-executable",
	"application/x-sharedlib", "application/x-mach-binary", "application/java-archive",
	"application/x-iso9660-image",
}

// isBinaryMIME reports whether mime is one of binaryMIME.
func isBinaryMIME(mime string) bool {
	mime = strings.ToLower(mime)
	for _, p := range binaryMIME {
		if strings.HasPrefix(mime, p) {
			return true
		}
	}
	return false
}

// file describes a document; Open refuses oversized and binary files
// before downloading anything, with a Chinese message for the user.
func (a *Adapter) file(d *tgbotapi.Document) bot.File {
	f := bot.File{Name: d.FileName, Size: int64(d.FileSize), MIME: d.MimeType}
	if f.Size <= 0 {
		f.Size = -1
	}
	doc := *d
	f.Open = func(ctx context.Context) (io.ReadCloser, error) { return a.download(ctx, doc) }
	return f
}

// download checks a document, asks getFile for its path and streams it
// from FileURL, failing once more than MaxFileBytes arrive.
func (a *Adapter) download(ctx context.Context, d tgbotapi.Document) (io.ReadCloser, error) {
	if err := a.checkFile(d.FileName, d.MimeType, int64(d.FileSize)); err != nil {
		return nil, err
	}
	res, err := a.call(ctx, "getFile", tgbotapi.Params{"file_id": d.FileID})
	var e *apiError
	if errors.As(err, &e) && strings.Contains(e.Description, "file is too big") {
		return nil, tooLarge(d.FileName, MaxDownloadBytes)
	}
	if err != nil {
		return nil, downloadFailed(err)
	}
	var f tgbotapi.File
	if err := json.Unmarshal(res, &f); err != nil || f.FilePath == "" {
		return nil, downloadFailed(fmt.Errorf("telegram getFile: no file_path (%v)", err))
	}
	if err := a.checkFile(d.FileName, "", int64(f.FileSize)); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf(a.cfg.FileURL, a.cfg.Token, f.FilePath), nil)
	if err != nil {
		return nil, downloadFailed(redact(err, a.cfg.Token))
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return nil, downloadFailed(redact(err, a.cfg.Token))
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, downloadFailed(fmt.Errorf("telegram file download: HTTP %d", resp.StatusCode))
	}
	return &limitedBody{r: resp.Body, left: a.cfg.MaxFileBytes, limit: a.cfg.MaxFileBytes, name: d.FileName}, nil
}

// checkFile refuses a file over MaxFileBytes or of a binary type.
func (a *Adapter) checkFile(name, mime string, size int64) error {
	if size > a.cfg.MaxFileBytes {
		return tooLarge(name, a.cfg.MaxFileBytes)
	}
	if isBinaryMIME(mime) {
		return &intel.Error{Code: intel.EInvalid,
			Message: fmt.Sprintf("文件 %s 是二进制文件 (%s), 无法提取 IP; 请上传文本日志 (.log/.txt/.csv)", clipRunes(name, 80), mime),
			Detail:  "binary document refused: " + mime}
	}
	return nil
}

func tooLarge(name string, limit int64) error {
	return &intel.Error{Code: intel.EInvalid,
		Message: fmt.Sprintf("文件 %s 太大, Telegram 机器人最多只能下载 %d MB 的文件; 请拆分后再上传", clipRunes(name, 80), limit>>20),
		Detail:  fmt.Sprintf("document over %d bytes refused", limit)}
}

func downloadFailed(err error) error {
	return &intel.Error{Code: intel.EUpstream, Message: "下载 Telegram 文件失败, 请稍后重试", Detail: "telegram download", Err: err}
}

// limitedBody fails a read once more than left bytes arrived.
type limitedBody struct {
	r           io.ReadCloser
	left, limit int64
	name        string
}

// Read reads from the body, failing past the limit.
func (b *limitedBody) Read(p []byte) (int, error) {
	if b.left < 0 {
		return 0, tooLarge(b.name, b.limit)
	}
	if int64(len(p)) > b.left+1 {
		p = p[:b.left+1]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	if b.left < 0 {
		return n - 1, tooLarge(b.name, b.limit)
	}
	return n, err
}

// Close closes the body.
func (b *limitedBody) Close() error { return b.r.Close() }
