package bot

import (
	"context"
	"errors"
	"log/slog"

	"tibot/card"
	"tibot/intel"
)

// ReplyErrors turns an error returned by the handler into one reply,
// card.FromError(err, ref), and then reports the message as handled (nil).
// EInvalid and EUnauthorized answers go privately through Ephemeral when
// the replier has it. An EInternal error (or any error that is not an
// *intel.Error) is logged in full with a short random ref id, and the user
// sees only "内部错误 (参考编号 ref)". Errors caused by the parent context
// ending (shutdown) get no reply and are returned as is; so is a failure to
// send the error reply, joined with the original error.
func ReplyErrors(logger *slog.Logger) Middleware {
	return func(next Handler) Handler {
		return HandlerFunc(func(ctx context.Context, m *Message, r Replier) error {
			err := next.Handle(ctx, m, r)
			if err == nil {
				return nil
			}
			if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
				return err
			}
			c := errorCard(ctx, logger, m, err)
			if rerr := sendError(ctx, r, intel.ErrorCode(err), c); rerr != nil {
				return errors.Join(err, rerr)
			}
			return nil
		})
	}
}

// errorCard logs err at a level fitting its code and builds the reply.
func errorCard(ctx context.Context, logger *slog.Logger, m *Message, err error) card.Card {
	switch code := intel.ErrorCode(err); code {
	case intel.EInternal:
		ref := newRef()
		logger.ErrorContext(ctx, "internal error", append(msgAttrs(m), "ref", ref, "err", err)...)
		return card.FromError(err, ref)
	case intel.EUpstream, intel.ERateLimit, intel.EConfig:
		logger.WarnContext(ctx, "request failed", append(msgAttrs(m), "code", string(code), "err", err)...)
	default:
		logger.DebugContext(ctx, "request refused", append(msgAttrs(m), "code", string(code), "err", err)...)
	}
	return card.FromError(err, "")
}

// sendError replies c, privately for the caller's own mistakes when the
// replier can.
func sendError(ctx context.Context, r Replier, code intel.Code, c card.Card) error {
	rctx, cancel := replyContext(ctx)
	defer cancel()
	if eph, ok := r.(Ephemeral); ok && (code == intel.EInvalid || code == intel.EUnauthorized) {
		return eph.ReplyEphemeral(rctx, c)
	}
	_, err := r.Reply(rctx, c)
	return err
}
