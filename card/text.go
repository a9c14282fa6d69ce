package card

import (
	"bytes"
	"fmt"
	"strings"
)

// Text renders c as plain text for the console and the CLI:
//
//	🔴 恶意 IP  198.51.100.23        heading (icon + title)
//	free text lines
//	结论: 恶意 (可信度: 高)            one field per line, "label: value"
//	恶意:                             each section: title, indented lines,
//	  203.0.113.7   远控 …           and "… 另有 N 条" when rows were left out
//	[查看微步报告] https://… [深度分析]  buttons; URL buttons show the URL
//	来源: …                           footer
//	(附件: tibot-….csv, 201 行)        attachment note
//
// It is a pure function; the result has no trailing newline.
func Text(c Card) string {
	var lines []string
	add := func(s ...string) { lines = append(lines, s...) }
	if h := c.Heading(); h != "" {
		add(h)
	}
	if c.Text != "" {
		add(strings.Split(c.Text, "\n")...)
	}
	for _, f := range c.Fields {
		add(f.Label + ": " + f.Value)
	}
	for _, s := range c.Sections {
		add(sectionText(s)...)
	}
	if len(c.Actions) > 0 {
		add(actionsText(c.Actions))
	}
	if c.Footer != "" {
		add(c.Footer)
	}
	if a := c.Attachment; a != nil {
		add(fmt.Sprintf("(附件: %s, %d 行)", a.Name, LineCount(a.Data)))
	}
	return strings.Join(lines, "\n")
}

// sectionText renders one section.
func sectionText(s Section) []string {
	var out []string
	if s.Title != "" {
		out = append(out, s.Title+":")
	}
	for _, l := range s.Lines {
		out = append(out, "  "+l)
	}
	if s.More > 0 {
		out = append(out, fmt.Sprintf("  … 另有 %d 条", s.More))
	}
	return out
}

// actionsText renders buttons on one line: "[深度分析] [查看微步报告] url".
func actionsText(as []Action) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = "[" + a.Label + "]"
		if a.URL != "" {
			parts[i] += " " + a.URL
		}
	}
	return strings.Join(parts, " ")
}

// LineCount counts the lines of a text file (a last line without a final
// newline counts too), e.g. the rows of a CSV attachment including its
// header.
func LineCount(data []byte) int {
	n := bytes.Count(data, []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		n++
	}
	return n
}
