package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"tibot/card"
	"tibot/intel"
)

// CommandSpec describes one chat command. The same table generates /help,
// the Slack app manifest's slash commands (checked by a test) and
// Telegram's setMyCommands list.
type CommandSpec struct {
	Name     string   // without "/", e.g. "ip"
	Aliases  []string // other names, e.g. "查询"
	Usage    string   // e.g. "/ip <IP…>"
	Summary  string   // one line, Chinese
	Examples []string // full example lines
	Admin    bool     // admins only
}

// command is a CommandSpec with its handler; args is the text after the
// command name.
type command struct {
	spec CommandSpec
	run  func(ctx context.Context, q *request, args string) error
}

// table is the command table, in /help order.
func (rt *Router) table() []*command {
	return []*command{
		{spec: CommandSpec{
			Name:    "ip",
			Aliases: []string{"check", "查询"},
			Usage:   "/ip <IP…>",
			Summary: "查询 IP 的威胁情报 (最多 5 个逐个出卡片, 更多则汇总); 管理员可加 --fresh 跳过缓存",
			Examples: []string{
				"/ip 1.1.1.1",
				"/ip 8.8.8.8 1.0.0.1, 45.33.32.156",
				"/ip --fresh 1.1.1.1",
			},
		}, run: rt.runIP},
		{spec: CommandSpec{
			Name:     "deep",
			Aliases:  []string{"深度分析"},
			Usage:    "/deep <IP>",
			Summary:  "对一个 IP 做深度分析 (微步 IP 分析接口, 计入额度)",
			Examples: []string{"/deep 45.33.32.156"},
		}, run: rt.runDeep},
		{spec: CommandSpec{
			Name:     "quota",
			Aliases:  []string{"额度"},
			Usage:    "/quota",
			Summary:  "查看你今日剩余的查询额度、密钥池余量和重置时间",
			Examples: []string{"/quota"},
		}, run: rt.runQuota},
		{spec: CommandSpec{
			Name:     "help",
			Aliases:  []string{"start", "帮助"},
			Usage:    "/help",
			Summary:  "显示本帮助",
			Examples: []string{"/help"},
		}, run: rt.runHelp},
	}
}

// register indexes cmds by name and alias; a duplicate is an error, never
// silently ignored.
func (rt *Router) register(cmds []*command) error {
	rt.cmds = cmds
	rt.index = make(map[string]*command)
	for _, c := range cmds {
		for _, n := range append([]string{c.spec.Name}, c.spec.Aliases...) {
			n = strings.ToLower(n)
			if n == "" {
				return fmt.Errorf("commands: empty command name in %q", c.spec.Name)
			}
			if _, dup := rt.index[n]; dup {
				return fmt.Errorf("commands: duplicate command name %q", n)
			}
			rt.index[n] = c
		}
	}
	return nil
}

// Commands returns the command table (a copy), in /help order.
func (rt *Router) Commands() []CommandSpec {
	out := make([]CommandSpec, len(rt.cmds))
	for i, c := range rt.cmds {
		out[i] = c.spec
		out[i].Aliases = slices.Clone(c.spec.Aliases)
		out[i].Examples = slices.Clone(c.spec.Examples)
	}
	return out
}

// Specs returns the command table without building a Router, for the
// Slack app manifest test and Telegram's setMyCommands. It equals
// (*Router).Commands.
func Specs() []CommandSpec {
	rt := &Router{}
	rt.cmds = rt.table() // duplicates are refused by New and caught by tests
	return rt.Commands()
}

// dispatch runs the named command, or answers with a hint to /help.
func (rt *Router) dispatch(ctx context.Context, q *request, name, args string) error {
	c, ok := rt.index[name]
	if !ok {
		return intel.Errorf(intel.EInvalid,
			fmt.Sprintf("未知命令 /%s。输入 /help 查看可用命令; 也可以直接粘贴含 IP 的文本或日志。", clipRunes(name, 40)),
			"unknown command %q", name)
	}
	if c.spec.Admin && !q.admin {
		return intel.Errorf(intel.EUnauthorized, "/"+c.spec.Name+" 仅限管理员使用", "non-admin %s ran /%s", q.subj.Key(), c.spec.Name)
	}
	return c.run(ctx, q, args)
}

// runHelp answers /help with the card generated from the table.
func (rt *Router) runHelp(ctx context.Context, q *request, _ string) error {
	return reply(ctx, q.r, card.Help(rt.helpEntries(q.admin)))
}

// helpEntries lists the commands for /help; admin commands only for admins.
func (rt *Router) helpEntries(admin bool) []card.HelpEntry {
	var hs []card.HelpEntry
	for _, c := range rt.cmds {
		if c.spec.Admin && !admin {
			continue
		}
		hs = append(hs, card.HelpEntry{
			Name:     c.spec.Name,
			Usage:    c.spec.Usage,
			Summary:  c.spec.Summary,
			Examples: c.spec.Examples,
			Admin:    c.spec.Admin,
		})
	}
	return hs
}

// clipRunes shortens s to at most n runes, marking a cut with "…".
func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
