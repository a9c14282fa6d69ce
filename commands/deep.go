package commands

import (
	"context"
	"fmt"
	"strings"

	"tibot/bot"
	"tibot/card"
	"tibot/intel"
	"tibot/ioc"
)

// usageDeep is shown with /deep input errors.
const usageDeep = "用法: /deep <IP>, 例如 /deep 45.33.32.156"

// runDeep answers /deep IP and the 深度分析 button: a deep analysis of one
// public address, charged to the user's quota only when it succeeds.
func (rt *Router) runDeep(ctx context.Context, q *request, args string) error {
	fields := strings.FieldsFunc(args, isArgSep)
	if len(fields) == 0 {
		return intel.Errorf(intel.EInvalid, "请提供要深度分析的 IP。\n"+usageDeep, "/deep without arguments")
	}
	ip, err := ioc.ParseIP(fields[0])
	if err != nil {
		return intel.Errorf(intel.EInvalid, fmt.Sprintf("无法识别为 IP: %s\n%s", clipRunes(fields[0], 40), usageDeep),
			"/deep %q: %v", fields[0], err)
	}
	if !ioc.IsPublic(ip) {
		return intel.Errorf(intel.EInvalid, ip.String()+" 是内网/保留地址, 不做深度分析", "/deep of non-public %s", ip)
	}
	v, err := rt.c.Lookup.Deep(ctx, ip, q.subj, false)
	if err != nil {
		return err
	}
	opts := card.VerdictOptions{Now: rt.c.Now(), Actions: true, Quota: rt.quotaStatus(ctx, q)}
	c := card.FromVerdict(v, opts)
	if len(fields) > 1 {
		c.Text = "ℹ️ /deep 每次只分析一个 IP, 其余参数已忽略"
	}
	return reply(ctx, q.r, c)
}

// quotaStatus is the user's quota for a card footer, nil when unknown.
func (rt *Router) quotaStatus(ctx context.Context, q *request) *intel.QuotaStatus {
	if rt.c.Quota == nil {
		return nil
	}
	st, err := rt.c.Quota.QuotaStatus(ctx, q.subj)
	if err != nil {
		rt.c.Logger.WarnContext(ctx, "quota status", "user", q.subj.Key(), "err", err)
		return nil
	}
	return &st
}

// handleAction answers a button click: 深度分析 runs /deep; the block
// buttons say the block workflow is not enabled (nothing is pretended).
func (rt *Router) handleAction(ctx context.Context, q *request, a bot.Action) error {
	switch a.ID {
	case card.ActionDeep:
		return rt.runDeep(ctx, q, a.Value)
	case card.ActionBlock, card.ActionBlockAll:
		return reply(ctx, q.r, blockDisabled(a.Value))
	}
	return intel.Errorf(intel.EInvalid, "这个按钮已失效或不受支持, 请重新发起查询", "unknown action %q", a.ID)
}

// blockDisabled is the honest answer to 申请封禁 while the block workflow
// (approval, feeds) is not enabled: no request was recorded.
func blockDisabled(value string) card.Card {
	ips := strings.FieldsFunc(value, isArgSep)
	what := "该 IP"
	switch {
	case len(ips) == 1:
		what = clipRunes(ips[0], 45)
	case len(ips) > 1:
		what = fmt.Sprintf("这 %d 个 IP", len(ips))
	}
	return card.Card{
		Tone:  card.ToneWarn,
		Icon:  "🚧",
		Title: "封禁流程未启用",
		Text: "封禁审批流程尚未启用 (未启用), 本次没有提交任何封禁申请, 也没有下发到防火墙。\n" +
			"如需封禁 " + what + ", 请联系管理员按现有流程手动处理。",
	}
}
