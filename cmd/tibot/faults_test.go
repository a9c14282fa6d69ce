package main

import (
	"strings"
	"testing"
	"time"

	tbt "tibot/threatbook/threatbooktest"
)

// TestConsoleAPIFaults: every ThreatBook error code and transport failure
// ends in one clear Chinese message, no verdict card, and no quota charged.
func TestConsoleAPIFaults(t *testing.T) {
	tests := []struct {
		name  string
		fault tbt.Fault
		want  string // in the reply
	}{
		{"-1 invalid key", tbt.CodeFault(-1, tbt.MsgInvalidAPIKey), "密钥无效"},
		{"-1 access ip", tbt.CodeFault(-1, tbt.MsgInvalidAccessIP), "未绑定本机出口 IP"},
		{"-1 expired key", tbt.CodeFault(-1, tbt.MsgExpiredAPIKey), "已过期"},
		{"-1 key status", tbt.CodeFault(-1, tbt.MsgInvalidKeyStatus), "密钥状态异常"},
		{"-1 account status", tbt.CodeFault(-1, tbt.MsgInvalidAccountStatus), "账户状态异常"},
		{"-1 bad parameter", tbt.CodeFault(-1, tbt.MsgInvalidParameter), "拒绝了查询参数"},
		{"-2 api method", tbt.CodeFault(-2, tbt.MsgInvalidAPIMethod), "内部错误"},
		{"-3 missing resource", tbt.CodeFault(-3, tbt.MsgRequiredResource), "内部错误"},
		{"-4 daily limit", tbt.CodeFault(-4, tbt.MsgBeyondDailyLimitation), "已加入待查队列"},
		{"-4 frequent", tbt.CodeFault(-4, tbt.MsgFrequentLimitation), "频繁"},
		{"-5 system error", tbt.CodeFault(-5, tbt.MsgSystemError), "稍后再试"},
		{"unknown code", tbt.CodeFault(42, "Something New"), "无法识别"},
		{"partial, nothing served", tbt.Fault{Kind: tbt.FaultPartial, Served: 0}, "已加入待查队列"},
		{"http 500", tbt.Fault{Kind: tbt.FaultHTTP, Status: 500}, "稍后再试"},
		{"http 503", tbt.Fault{Kind: tbt.FaultHTTP, Status: 503}, "稍后再试"},
		{"http 429", tbt.Fault{Kind: tbt.FaultHTTP, Status: 429}, "稍后"},
		{"malformed json", tbt.Fault{Kind: tbt.FaultMalformed}, "稍后再试"},
		{"truncated body", tbt.Fault{Kind: tbt.FaultTruncated}, "稍后再试"},
		{"stalled body (timeout)", tbt.Fault{Kind: tbt.FaultSlowBody}, "稍后再试"},
		{"connection closed", tbt.Fault{Kind: tbt.FaultClose}, "稍后再试"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// A short call timeout only where the fault is a stall: on a
			// loaded machine any other call could otherwise time out too and
			// answer "稍后再试" instead of the fault's own message.
			timeout := 10 * time.Second
			if tc.fault.Kind == tbt.FaultSlowBody {
				timeout = 300 * time.Millisecond
			}
			env := newChatEnv(t, chatEnvOptions{fastRetries: true, callTimeout: timeout})
			env.api.SetFault(tc.fault)
			out := env.chat("carol", "/ip 8.8.8.8\n")
			checkFaultReply(t, env, out, tc.want)
		})
	}
}

// checkFaultReply: a Chinese error card holding want, no verdict, no
// quota charged.
func checkFaultReply(t *testing.T, env *chatEnv, out, want string) {
	t.Helper()
	if !strings.Contains(out, want) || !strings.Contains(out, "⚠️") {
		t.Errorf("reply lacks an error card with %q:\n%s", want, out)
	}
	if strings.Contains(out, "结论: ") || strings.Contains(out, "<nil>") || strings.Contains(out, "threatbook") {
		t.Errorf("reply shows a verdict or operator detail:\n%s", out)
	}
	if strings.Count(out, consoleSeparator) != 1 {
		t.Errorf("want exactly one reply:\n%s", out)
	}
	if q := env.quota("carol"); q.Used != 0 {
		t.Errorf("quota used = %d after a failed lookup, want 0", q.Used)
	}
}

// TestConsoleHandlerTimeout: a lookup slower than the per-message timeout
// is cut off with a clear message and refunded.
func TestConsoleHandlerTimeout(t *testing.T) {
	env := newChatEnv(t, chatEnvOptions{latency: time.Hour, fastRetries: true, callTimeout: time.Hour})
	env.serveO.Timeout = 200 * time.Millisecond
	out := env.chat("carol", "/ip 8.8.8.8\n")
	checkFaultReply(t, env, out, "超时")
}

// consoleSeparator ends every card the console prints.
const consoleSeparator = "────────────────────────────────────────"
