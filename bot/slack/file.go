package slack

import (
	"context"
	"fmt"
	"io"
	"strings"

	slackapi "github.com/slack-go/slack"

	"tibot/bot"
	"tibot/intel"
)

// binaryMIMEPrefixes and binaryFiletypes are file kinds refused before
// download: images, media, archives, office documents. Anything else is
// streamed; the engine still detects binary content.
var (
	binaryMIMEPrefixes = []string{"image/", "video/", "audio/", "font/", "application/zip",
		"application/x-zip", "application/gzip", "application/x-gzip", "application/x-tar",
		"application/x-7z", "application/x-rar", "application/vnd.rar", "application/x-bzip",
		"application/x-xz", "application/pdf", "application/msword", "application/vnd.ms-",
		"application/vnd.openxmlformats", "application/x-msdownload", "application/x-executable"}
	binaryFiletypes = map[string]bool{"zip": true, "gzip": true, "gz": true, "tar": true, "7z": true, "rar": true,
		"pdf": true, "png": true, "jpg": true, "jpeg": true, "gif": true, "bmp": true, "webp": true, "heic": true,
		"mp4": true, "mov": true, "mp3": true, "docx": true, "xlsx": true, "pptx": true, "doc": true, "xls": true,
		"exe": true, "dmg": true, "apk": true, "binary": true}
)

// file turns a Slack file into a bot.File whose Open downloads it with
// the bot token, refusing too large and obviously binary files with a
// clear message.
func (a *Adapter) file(f slackapi.File) bot.File {
	size := int64(f.Size)
	if size == 0 && f.URLPrivateDownload == "" {
		size = -1 // file_access=check_file_info: details come from files.info
	}
	return bot.File{Name: orElse(f.Name, f.Title), Size: size, MIME: f.Mimetype,
		Open: func(ctx context.Context) (io.ReadCloser, error) { return a.open(ctx, f) }}
}

// open checks f and streams its content.
func (a *Adapter) open(ctx context.Context, f slackapi.File) (io.ReadCloser, error) {
	if f.URLPrivateDownload == "" && f.URLPrivate == "" {
		info, err := a.fileInfo(ctx, f.ID)
		if err != nil {
			return nil, err
		}
		f = *info
	}
	if err := a.checkFile(f); err != nil {
		return nil, err
	}
	url := orElse(f.URLPrivateDownload, f.URLPrivate)
	pr, pw := io.Pipe()
	go func() {
		w := &capWriter{w: pw, left: a.cfg.MaxFileBytes, max: a.cfg.MaxFileBytes, name: f.Name}
		pw.CloseWithError(a.api.GetFileContext(ctx, url, w))
	}()
	return pr, nil
}

// checkFile refuses files over MaxFileBytes and non-text kinds.
func (a *Adapter) checkFile(f slackapi.File) error {
	name := clipRunes(orElse(f.Name, f.ID), 80)
	if int64(f.Size) > a.cfg.MaxFileBytes {
		return tooLarge(name, a.cfg.MaxFileBytes)
	}
	mime := strings.ToLower(f.Mimetype)
	binary := binaryFiletypes[strings.ToLower(f.Filetype)]
	for _, p := range binaryMIMEPrefixes {
		binary = binary || strings.HasPrefix(mime, p)
	}
	if binary {
		return intel.Errorf(intel.EInvalid,
			fmt.Sprintf("文件 %s 不是文本文件 (%s), 未做查询。请上传文本或日志文件 (.log .txt .csv …)。", name, orElse(f.Mimetype, f.Filetype)),
			"slack file %s: non-text type %q/%q", f.ID, f.Mimetype, f.Filetype)
	}
	if f.Mode == "external" || f.IsExternal {
		return intel.Errorf(intel.EInvalid, fmt.Sprintf("文件 %s 存放在外部服务中, 无法读取。请直接上传文件。", name),
			"slack file %s is external", f.ID)
	}
	return nil
}

func tooLarge(name string, max int64) error {
	return intel.Errorf(intel.EInvalid,
		fmt.Sprintf("文件 %s 过大 (上限 %d MiB), 未做查询。请只上传相关的日志片段。", name, max>>20),
		"slack file %q over %d bytes", name, max)
}

// fileInfo fetches a file's details (files.info).
func (a *Adapter) fileInfo(ctx context.Context, id string) (*slackapi.File, error) {
	var f *slackapi.File
	err := retry(ctx, a.log, "files.info", a.cfg.MaxRetries, func(ctx context.Context) error {
		var err error
		f, _, _, err = a.api.GetFileInfoContext(ctx, id, 0, 0)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("slack files.info %s: %w", id, err)
	}
	return f, nil
}

// capWriter passes at most left bytes through, then fails with the
// too-large error, which stops the download.
type capWriter struct {
	w         io.Writer
	left, max int64
	name      string
}

// Write passes p on, cut at the cap, and fails once the cap is passed.
func (c *capWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > c.left {
		n, _ := c.w.Write(p[:c.left])
		c.left = 0
		return n, tooLarge(clipRunes(c.name, 80), c.max)
	}
	c.left -= int64(len(p))
	return c.w.Write(p)
}

// clipRunes caps s at n runes.
func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
