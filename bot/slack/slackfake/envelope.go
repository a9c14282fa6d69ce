package slackfake

import "net/url"

// Slash returns a slash_commands envelope for "/command text" typed by
// user in channel, with a response_url on the fake.
func (s *Server) Slash(envelopeID, command, text, channel, user string) Envelope {
	return Envelope{EnvelopeID: envelopeID, Type: "slash_commands", AcceptsResponsePayload: true,
		Payload: map[string]any{
			"command": command, "text": text, "channel_id": channel, "channel_name": "general",
			"user_id": user, "user_name": "analyst", "team_id": TeamID, "api_app_id": AppID,
			"response_url": s.ResponseURL(), "trigger_id": "13345224609.738474920.8088930838d88f008e0",
		}}
}

// Event returns an events_api envelope carrying event under eventID.
func Event(envelopeID, eventID string, event map[string]any) Envelope {
	return Envelope{EnvelopeID: envelopeID, Type: "events_api", Payload: map[string]any{
		"type": "event_callback", "event_id": eventID, "team_id": TeamID, "api_app_id": AppID,
		"event_time": 1700000000, "event": event,
	}}
}

// Message returns a message event: text typed by user in a channel
// (channel_type "channel", or "im" for a channel id starting with D).
func Message(channel, user, ts, text string) map[string]any {
	typ := "channel"
	if len(channel) > 0 && channel[0] == 'D' {
		typ = "im"
	}
	return map[string]any{"type": "message", "channel": channel, "user": user, "text": text,
		"ts": ts, "event_ts": ts, "channel_type": typ, "team": TeamID}
}

// FileShareMessage returns the message event (subtype file_share) Slack
// sends when user shares the registered file f in channel.
func (s *Server) FileShareMessage(channel, user, ts string, f File) map[string]any {
	m := Message(channel, user, ts, "")
	m["subtype"] = "file_share"
	m["files"] = []any{s.fileObject(f)}
	return m
}

// FileShared returns the file_shared event for file id in channel.
func FileShared(channel, user, fileID string) map[string]any {
	return map[string]any{"type": "file_shared", "channel_id": channel, "file_id": fileID,
		"user_id": user, "file": map[string]any{"id": fileID}, "event_ts": "1700000000.000100"}
}

// Action returns an interactive block_actions envelope: user clicked the
// button actionID (with value) on the message ts in channel.
func (s *Server) Action(envelopeID, channel, user, ts, actionID, value string) Envelope {
	return Envelope{EnvelopeID: envelopeID, Type: "interactive", Payload: map[string]any{
		"type": "block_actions", "team": map[string]any{"id": TeamID}, "api_app_id": AppID,
		"user":         map[string]any{"id": user, "name": "analyst"},
		"channel":      map[string]any{"id": channel},
		"container":    map[string]any{"type": "message", "message_ts": ts, "channel_id": channel},
		"message":      map[string]any{"type": "message", "ts": ts},
		"response_url": s.ResponseURL(), "trigger_id": "1.2.3",
		"actions": []any{map[string]any{"type": "button", "action_id": actionID, "block_id": "b1",
			"value": value, "action_ts": "1700000001.000200"}},
	}}
}

// fileObject is f as Slack describes it in events and files.info.
func (s *Server) fileObject(f File) map[string]any {
	size := f.Size
	if size == 0 {
		size = len(f.Content)
	}
	dl := s.URL + "/files-pri/" + TeamID + "-" + f.ID + "/download/" + url.PathEscape(f.Name)
	return map[string]any{"id": f.ID, "name": f.Name, "title": f.Name, "mimetype": f.Mimetype,
		"filetype": f.Filetype, "size": size, "mode": "hosted",
		"url_private": dl, "url_private_download": dl}
}
