package commands

import (
	"context"
	"errors"
	"fmt"

	"tibot/card"
	"tibot/intel"
)

// runQuota answers /quota: the user's remaining daily quota, the key
// pool's remaining units and when both reset.
func (rt *Router) runQuota(ctx context.Context, q *request, _ string) error {
	if rt.c.Quota == nil {
		return reply(ctx, q.r, card.Plain("ℹ️ 本实例未启用用户查询额度。"))
	}
	st, err := rt.c.Quota.QuotaStatus(ctx, q.subj)
	if err != nil {
		return fmt.Errorf("quota status of %s: %w", q.subj.Key(), err)
	}
	var pool card.PoolStatus
	if rt.c.Pool != nil {
		pool = rt.c.Pool()
	}
	return reply(ctx, q.r, card.FromQuota(st, pool, rt.c.Now()))
}

// userError makes sure err is an *intel.Error (bot.ReplyErrors shows its
// Chinese message and logs the rest): a wrapped *intel.Error keeps its code
// and message, a timeout or cancellation becomes a retryable EUpstream and
// anything else EInternal.
func userError(err error) error {
	var e *intel.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &e) && error(e) == err:
		return e
	case e != nil:
		return &intel.Error{Code: e.Code, Message: intel.ErrorMessage(e), Detail: "handle message",
			RetryAfter: e.RetryAfter, ResetAt: e.ResetAt, Err: err}
	case errors.Is(err, context.DeadlineExceeded):
		return &intel.Error{Code: intel.EUpstream, Message: "查询超时, 请稍后再试", Detail: "handler timed out", Err: err}
	case errors.Is(err, context.Canceled):
		return &intel.Error{Code: intel.EUpstream, Message: "查询已取消, 请稍后再试", Detail: "handler cancelled", Err: err}
	}
	return &intel.Error{Code: intel.EInternal, Message: "内部错误", Detail: "handle message", Err: err}
}
