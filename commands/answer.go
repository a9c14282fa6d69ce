package commands

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"tibot/bot"
	"tibot/card"
	"tibot/intel"
	"tibot/ioc"
	"tibot/lookup"
)

// job is one lookup to answer: from /ip, a paste or a file.
type job struct {
	hits   []ioc.Hit
	source string   // batch card footer, e.g. "粘贴内容", "文件 fw.log"
	fresh  bool     // bypass the cache
	notes  []string // lines shown with the answer (ignored tokens, caps hit)
}

// answer runs j through the lookup pipeline, with progress for long work,
// and replies with per-IP cards or a batch summary. When every address
// failed (an API fault), it returns that failure so the user sees one clear
// message; no quota is charged for failures.
func (rt *Router) answer(ctx context.Context, q *request, j job) error {
	p := rt.startProgress(ctx, q.r, countPublic(j.hits))
	res, err := rt.c.Lookup.Lookup(ctx, lookup.Request{
		Hits:     j.hits,
		Subject:  q.subj,
		ReplyTo:  q.replyTo(),
		Fresh:    j.fresh,
		Progress: p.update(ctx),
	})
	if err == nil {
		err = allFailed(res)
	}
	if err != nil {
		p.abandon(ctx)
		return err
	}
	return rt.deliver(ctx, q.r, p.ref, rt.render(j, res))
}

// allFailed returns the first failure when every public address failed
// (nothing answered; key-pool quota failures may be queued, and their
// message says so), else nil.
func allFailed(res lookup.Result) error {
	if len(res.Verdicts) == 0 || res.Failed < len(res.Verdicts) {
		return nil
	}
	for _, v := range res.Verdicts {
		if v.Err != nil {
			return v.Err
		}
	}
	return nil
}

// render builds the reply: per-IP cards (notes first, as text) up to
// MaxCards public addresses, else one batch summary with the notes inside.
func (rt *Router) render(j job, res lookup.Result) []card.Card {
	now := rt.c.Now()
	quota := quotaOf(res.Quota)
	notes := slices.Concat(j.notes, quotaNotes(res))
	if len(res.Verdicts) > rt.c.MaxCards {
		c := card.FromBatch(card.Batch{
			Verdicts: res.Verdicts, Unique: res.Unique, Private: res.Private,
			Cached: res.Cached, Live: res.Live, Failed: res.Failed, Deferred: res.Deferred,
			Quota: quota, Now: now, Source: j.source,
		})
		c.Text = strings.Join(append([]string{c.Text}, notes...), "\n")
		return []card.Card{c}
	}
	if res.Private > 0 {
		notes = append(notes, fmt.Sprintf("ℹ️ 另有 %d 个内网/保留地址已跳过 (不查询, 不计额度)", res.Private))
	}
	var cards []card.Card
	if len(notes) > 0 {
		cards = append(cards, plainLines(notes))
	}
	for _, v := range res.Verdicts {
		cards = append(cards, card.FromVerdict(v, card.VerdictOptions{Now: now, Quota: quota, Actions: true}))
	}
	return cards
}

// quotaOf returns st for a card footer, or nil when the request was not
// metered (zero status).
func quotaOf(st intel.QuotaStatus) *intel.QuotaStatus {
	if st == (intel.QuotaStatus{}) {
		return nil
	}
	return &st
}

// beijing is the zone of the quota reset (00:00 Asia/Shanghai, no DST).
var beijing = time.FixedZone("CST", 8*3600)

// quotaNotes says what happened to addresses left over for lack of quota.
func quotaNotes(res lookup.Result) []string {
	reset := "明天 00:00"
	if !res.Quota.ResetAt.IsZero() {
		reset = "北京时间 " + res.Quota.ResetAt.In(beijing).Format("01-02 15:04")
	}
	var notes []string
	if res.Deferred > 0 {
		notes = append(notes, fmt.Sprintf("⏳ 额度不足: %d 个 IP 已加入待查队列 (来源侧和出现次数多的 IP 已优先查询), 额度于%s 恢复后会在此回复结果",
			res.Deferred, reset))
	}
	if n := res.OverQuota - min(res.Deferred, res.OverQuota); n > 0 {
		notes = append(notes, fmt.Sprintf("⚠️ 额度不足: %d 个 IP 未查询, 额度于%s 恢复", n, reset))
	}
	return notes
}

// deliver sends cards: the first one replaces the progress message when
// there is one, CSV attachments go through bot.Uploader when the replier
// has it (other adapters mention the attachment in the card).
func (rt *Router) deliver(ctx context.Context, r bot.Replier, progress *bot.MessageRef, cards []card.Card) error {
	up, canUpload := r.(bot.Uploader)
	for i, c := range cards {
		att := c.Attachment
		if canUpload {
			c.Attachment = nil
		}
		var err error
		if i == 0 && progress != nil {
			err = rt.editOrReply(ctx, r, *progress, c)
		} else {
			_, err = r.Reply(ctx, c)
		}
		if err != nil {
			return fmt.Errorf("reply: %w", err)
		}
		if att != nil && canUpload {
			if err := up.Upload(ctx, *att, "全部查询结果 (CSV)"); err != nil {
				rt.c.Logger.WarnContext(ctx, "upload csv", "file", att.Name, "err", err)
			}
		}
	}
	return nil
}

// editOrReply replaces the message at ref with c, or replies with c when
// the edit fails (the message may be gone).
func (rt *Router) editOrReply(ctx context.Context, r bot.Replier, ref bot.MessageRef, c card.Card) error {
	if ed, ok := r.(bot.Editor); ok {
		err := ed.Edit(ctx, ref, c)
		if err == nil {
			return nil
		}
		rt.c.Logger.WarnContext(ctx, "edit progress message", "err", err)
	}
	_, err := r.Reply(ctx, c)
	return err
}

// plainLines is a text card of lines.
func plainLines(lines []string) card.Card { return card.Plain(strings.Join(lines, "\n")) }

// reply sends one card.
func reply(ctx context.Context, r bot.Replier, c card.Card) error {
	if _, err := r.Reply(ctx, c); err != nil {
		return fmt.Errorf("reply: %w", err)
	}
	return nil
}
