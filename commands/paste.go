package commands

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"tibot/intel"
	"tibot/ioc"
)

// handlePaste answers pasted text (a message that is not a command): the
// IPs in it are extracted and, when at least one is public, looked up.
// Chat without a public IP gets no reply; text over MaxPasteChars gets a
// clear message and no lookup (never a silent truncation).
func (rt *Router) handlePaste(ctx context.Context, q *request, text string) error {
	if strings.TrimSpace(text) == "" {
		return nil
	}
	if n := utf8.RuneCountInString(text); n > rt.c.MaxPasteChars {
		return rt.tooLong(n)
	}
	res, err := ioc.Extract(strings.NewReader(text), ioc.Options{MaxUnique: rt.c.MaxUnique})
	if err != nil {
		return fmt.Errorf("extract from paste: %w", err)
	}
	if countPublic(res.Hits) == 0 {
		return nil
	}
	return rt.answer(ctx, q, job{hits: res.Hits, source: "粘贴内容", notes: extractNotes(res, rt.c.MaxUnique)})
}

// tooLong is the EInvalid error of a message of n characters, over
// MaxPasteChars: nothing is looked up and the user is told to upload a file.
func (rt *Router) tooLong(n int) error {
	return intel.Errorf(intel.EInvalid,
		fmt.Sprintf("粘贴内容过长 (%d 字符, 上限 %d 字符), 未做任何查询。请以文件形式上传 (上限 %s)。",
			n, rt.c.MaxPasteChars, sizeText(rt.c.MaxFileBytes)),
		"message of %d chars over the %d cap", n, rt.c.MaxPasteChars)
}

// extractNotes reports caps hit while extracting.
func extractNotes(res ioc.Result, maxUnique int) []string {
	if !res.Truncated {
		return nil
	}
	return []string{fmt.Sprintf("⚠️ 内容中的不同 IP 超过 %d 个, 只处理了前 %d 个, 其余未查询; 请拆分后再发", maxUnique, len(res.Hits))}
}

// sizeText is "20 MB", "512 KB" or "300 字节".
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<20))) + " MB"
	case n >= 1<<10:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<10))) + " KB"
	}
	return fmt.Sprintf("%d 字节", n)
}

func trimZero(s string) string { return strings.TrimSuffix(s, ".0") }
