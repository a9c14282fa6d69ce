package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"tibot/bot"
	"tibot/commands"
	"tibot/intel"
	"tibot/lookup"
)

// metrics counts what tibot serve does, for /metrics (Prometheus text
// exposition format, written by hand to avoid a dependency).
type metrics struct {
	lookupsLive     atomic.Uint64
	lookupsCached   atomic.Uint64
	lookupsFailed   atomic.Uint64
	lookupsDeferred atomic.Uint64
	quotaDenied     atomic.Uint64 // addresses not looked up for lack of user quota
	deepLookups     atomic.Uint64

	mu       sync.Mutex
	messages map[string]uint64     // by platform
	errors   map[intel.Code]uint64 // handler errors by code
}

func newMetrics() *metrics {
	return &metrics{messages: map[string]uint64{}, errors: map[intel.Code]uint64{}}
}

// handler wraps h, counting messages per platform and errors per code.
func (m *metrics) handler(h bot.Handler) bot.Handler {
	return bot.HandlerFunc(func(ctx context.Context, msg *bot.Message, r bot.Replier) error {
		err := h.Handle(ctx, msg, r)
		m.mu.Lock()
		m.messages[msg.Platform]++
		if err != nil {
			m.errors[intel.ErrorCode(err)]++
		}
		m.mu.Unlock()
		return err
	})
}

// looker wraps l, counting lookups by outcome.
func (m *metrics) looker(l commands.Looker) commands.Looker { return &meteredLooker{l, m} }

type meteredLooker struct {
	commands.Looker
	m *metrics
}

func (ml *meteredLooker) Lookup(ctx context.Context, req lookup.Request) (lookup.Result, error) {
	res, err := ml.Looker.Lookup(ctx, req)
	ml.m.lookupsLive.Add(uint64(res.Live))
	ml.m.lookupsCached.Add(uint64(res.Cached))
	ml.m.lookupsFailed.Add(uint64(res.Failed))
	ml.m.lookupsDeferred.Add(uint64(res.Deferred))
	ml.m.quotaDenied.Add(uint64(res.OverQuota))
	return res, err
}

func (ml *meteredLooker) Deep(ctx context.Context, ip netip.Addr, subj intel.Subject, unmetered bool) (intel.Verdict, error) {
	v, err := ml.Looker.Deep(ctx, ip, subj, unmetered)
	if err == nil {
		ml.m.deepLookups.Add(1)
	}
	return v, err
}

// ServeHTTP writes every counter in the Prometheus text format.
func (m *metrics) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	m.write(w)
}

func (m *metrics) write(w io.Writer) {
	counter(w, "tibot_lookups_total", "IP lookups answered, by result (live = one quota unit each).",
		[]sample{
			{`result="live"`, m.lookupsLive.Load()},
			{`result="cached"`, m.lookupsCached.Load()},
			{`result="failed"`, m.lookupsFailed.Load()},
			{`result="deferred"`, m.lookupsDeferred.Load()},
		})
	counter(w, "tibot_quota_denied_total", "IP addresses not looked up because the user's daily quota was spent.",
		[]sample{{"", m.quotaDenied.Load()}})
	counter(w, "tibot_deep_lookups_total", "Successful deep analyses.", []sample{{"", m.deepLookups.Load()}})
	m.mu.Lock()
	msgs := samples(m.messages, "platform")
	errs := samples(m.errors, "code")
	m.mu.Unlock()
	counter(w, "tibot_messages_total", "Chat messages handled, by platform.", msgs)
	counter(w, "tibot_errors_total", "Handler errors shown to users, by error code.", errs)
}

// sample is one labelled value; labels is "" or `k="v"`.
type sample struct {
	labels string
	value  uint64
}

// samples turns a counter map into samples sorted by label value.
func samples[K ~string](m map[K]uint64, label string) []sample {
	out := make([]sample, 0, len(m))
	for k, v := range m {
		out = append(out, sample{fmt.Sprintf("%s=%q", label, string(k)), v})
	}
	slices.SortFunc(out, func(a, b sample) int { return strings.Compare(a.labels, b.labels) })
	return out
}

// counter writes one counter family.
func counter(w io.Writer, name, help string, ss []sample) {
	fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n", name, help, name)
	for _, s := range ss {
		if s.labels == "" {
			fmt.Fprintf(w, "%s %d\n", name, s.value)
			continue
		}
		fmt.Fprintf(w, "%s{%s} %d\n", name, s.labels, s.value)
	}
}
