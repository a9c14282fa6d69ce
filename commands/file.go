package commands

import (
	"context"
	"errors"
	"fmt"
	"io"

	"tibot/bot"
	"tibot/card"
	"tibot/intel"
	"tibot/ioc"
)

// handleFiles answers each attached file like a paste. With several files,
// a rejected file (too large, binary, empty) gets its own message and the
// others are still answered.
func (rt *Router) handleFiles(ctx context.Context, q *request, files []bot.File) error {
	if len(files) == 1 {
		return rt.handleFile(ctx, q, files[0])
	}
	var internal error
	for _, f := range files {
		err := rt.handleFile(ctx, q, f)
		if err == nil {
			continue
		}
		if intel.ErrorCode(err) == intel.EInternal {
			internal = cmpOr(internal, err)
			continue
		}
		if rerr := reply(ctx, q.r, card.FromError(err, "")); rerr != nil {
			return rerr
		}
	}
	return internal
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// handleFile streams one file through the extractor with a size cap, then
// answers it like a paste (source "文件 NAME"). Too large, binary and empty
// files get a clear message; a text file without a public IP says so.
func (rt *Router) handleFile(ctx context.Context, q *request, f bot.File) error {
	name := clipRunes(f.Name, 80)
	if f.Size > rt.c.MaxFileBytes {
		return rt.tooLarge(name, f.Size)
	}
	res, err := rt.extractFile(ctx, f)
	if err != nil {
		return err
	}
	switch {
	case res.Bytes > rt.c.MaxFileBytes:
		return rt.tooLarge(name, -1)
	case res.Binary:
		return intel.Errorf(intel.EInvalid, fmt.Sprintf("文件 %s 看起来是二进制文件, 未做查询。请上传文本或日志文件。", name),
			"binary file %q", f.Name)
	case res.Bytes == 0:
		return intel.Errorf(intel.EInvalid, fmt.Sprintf("文件 %s 是空的, 没有可查询的内容。", name), "empty file %q", f.Name)
	case countPublic(res.Hits) == 0:
		return reply(ctx, q.r, card.Plain(fmt.Sprintf("ℹ️ 文件 %s (%d 行) 中未发现公网 IP%s, 无需查询。",
			name, res.Lines, privateNote(len(res.Hits)))))
	}
	return rt.answer(ctx, q, job{hits: res.Hits, source: "文件 " + name, notes: extractNotes(res, rt.c.MaxUnique)})
}

// extractFile opens f and extracts its IPs, reading at most one byte past
// MaxFileBytes so an oversized file is detected without reading it all.
func (rt *Router) extractFile(ctx context.Context, f bot.File) (ioc.Result, error) {
	if f.Open == nil {
		return ioc.Result{}, intel.Errorf(intel.EInternal, "", "file %q has no Open", f.Name)
	}
	rc, err := f.Open(ctx)
	if err != nil {
		return ioc.Result{}, fileError(f.Name, "open", err)
	}
	defer rc.Close()
	res, err := ioc.Extract(io.LimitReader(rc, rt.c.MaxFileBytes+1), ioc.Options{MaxUnique: rt.c.MaxUnique})
	if err != nil {
		return ioc.Result{}, fileError(f.Name, "read", err)
	}
	return res, nil
}

// fileError keeps an *intel.Error from the adapter (e.g. its own size
// limit) and turns anything else into a retryable download failure.
func fileError(name, op string, err error) error {
	var e *intel.Error
	if errors.As(err, &e) {
		return err
	}
	return &intel.Error{Code: intel.EUpstream, Message: fmt.Sprintf("无法读取文件 %s, 请稍后重试", clipRunes(name, 80)),
		Detail: op + " file " + name, Err: err}
}

// tooLarge is the EInvalid error of a file over MaxFileBytes; size -1 when
// only known to be over the cap.
func (rt *Router) tooLarge(name string, size int64) error {
	what := "超过"
	if size > 0 {
		what = sizeText(size) + ", 超过"
	}
	return intel.Errorf(intel.EInvalid,
		fmt.Sprintf("文件 %s 过大 (%s上限 %s), 未做查询。请只上传相关的日志片段。", name, what, sizeText(rt.c.MaxFileBytes)),
		"file %q over %d bytes", name, rt.c.MaxFileBytes)
}

// privateNote is " (只有 3 个内网/保留地址)" when there were private IPs.
func privateNote(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf(" (只有 %d 个内网/保留地址)", n)
}
