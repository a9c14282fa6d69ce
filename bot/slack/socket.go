package slack

import (
	"context"
	"fmt"

	slackapi "github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// acker acknowledges Socket Mode envelopes; *socketmode.Client is one.
type acker interface {
	Ack(req socketmode.Request, payload ...any) error
}

// runSocket runs the Socket Mode client (which reconnects with back-off on
// its own) and serves its events until ctx ends or the client gives up
// (refused token).
func (a *Adapter) runSocket(ctx context.Context, sm *socketmode.Client) error {
	runErr := make(chan error, 1)
	go func() { runErr <- sm.RunContext(ctx) }()
	return a.serveEvents(ctx, sm.Events, sm, runErr)
}

// serveEvents acknowledges and dispatches events. When ctx ends it waits
// for the client to stop (runErr), so no goroutine outlives Listen.
func (a *Adapter) serveEvents(ctx context.Context, events <-chan socketmode.Event, ack acker, runErr <-chan error) error {
	for {
		select {
		case <-ctx.Done():
			if runErr != nil {
				<-runErr
			}
			return nil
		case err := <-runErr:
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("slack socket mode stopped (check SLACK_APP_TOKEN): %w", err)
		case evt := <-events:
			a.onSocketEvent(ctx, evt, ack)
		}
	}
}

// onSocketEvent logs connection events, and acknowledges every request
// envelope before converting it and starting its handler.
func (a *Adapter) onSocketEvent(ctx context.Context, evt socketmode.Event, ack acker) {
	switch evt.Type {
	case socketmode.EventTypeEventsAPI, socketmode.EventTypeSlashCommand, socketmode.EventTypeInteractive:
	default:
		a.logConnection(ctx, evt)
		return
	}
	if evt.Request == nil {
		return
	}
	if err := ack.Ack(*evt.Request, a.ackPayload(evt)...); err != nil {
		a.log.WarnContext(ctx, "slack ack failed", "type", string(evt.Type), "err", err)
	}
	if !a.seen.add("envelope:"+evt.Request.EnvelopeID, struct{}{}) {
		return
	}
	if d, ok := a.convert(evt); ok {
		a.spawn(d)
	}
}

// ackPayload is the private "working on it" note for slash commands.
func (a *Adapter) ackPayload(evt socketmode.Event) []any {
	if evt.Type != socketmode.EventTypeSlashCommand || a.cfg.AckText == "-" {
		return nil
	}
	return []any{map[string]string{"response_type": "ephemeral", "text": escape(a.cfg.AckText)}}
}

// convert turns a request event into a delivery.
func (a *Adapter) convert(evt socketmode.Event) (delivery, bool) {
	switch data := evt.Data.(type) {
	case slackevents.EventsAPIEvent:
		return a.fromEventsAPI(data)
	case slackapi.SlashCommand:
		return a.fromSlash(data), true
	case slackapi.InteractionCallback:
		return a.fromInteraction(data)
	}
	a.log.Debug("slack event ignored", "type", string(evt.Type))
	return delivery{}, false
}

// logConnection reports the connection's life; errors carry no token.
func (a *Adapter) logConnection(ctx context.Context, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnected:
		n := 0
		if c, ok := evt.Data.(*socketmode.ConnectedEvent); ok {
			n = c.ConnectionCount
		}
		a.log.InfoContext(ctx, "slack socket mode connected", "reconnects", n)
	case socketmode.EventTypeConnectionError:
		a.log.WarnContext(ctx, "slack socket mode connection failed; retrying", "err", evt.Data)
	case socketmode.EventTypeInvalidAuth:
		a.log.ErrorContext(ctx, "slack socket mode: app token refused (SLACK_APP_TOKEN)")
	case socketmode.EventTypeDisconnect:
		a.log.InfoContext(ctx, "slack asked to reconnect")
	case socketmode.EventTypeIncomingError, socketmode.EventTypeErrorBadMessage, socketmode.EventTypeErrorWriteFailed:
		a.log.WarnContext(ctx, "slack socket mode error", "type", string(evt.Type))
	default:
		a.log.DebugContext(ctx, "slack socket mode event", "type", string(evt.Type))
	}
}
