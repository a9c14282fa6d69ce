package commands

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"unicode"

	"tibot/intel"
	"tibot/ioc"
)

// usageIP is shown with every /ip input error.
const usageIP = "用法: /ip <IP…>, 例如 /ip 1.1.1.1 45.33.32.156"

// ipArgs is a parsed /ip argument list.
type ipArgs struct {
	hits    []ioc.Hit // unique, in argument order, private ones included
	invalid []string  // tokens that hold no IP
	fresh   bool      // --fresh: bypass the cache (admins only)
}

// parseIPArgs splits args on spaces, commas and semicolons. Each token is
// an IP (defanged forms included); a token such as "src=1.2.3.4:443" that
// is not an IP itself but contains some counts as those IPs.
func parseIPArgs(args string) ipArgs {
	var a ipArgs
	seen := map[netip.Addr]bool{}
	add := func(ip netip.Addr) {
		ip = ip.Unmap()
		if !seen[ip] {
			seen[ip] = true
			a.hits = append(a.hits, ioc.Hit{Addr: ip, Count: 1, FirstLine: 1, Public: ioc.IsPublic(ip)})
		}
	}
	for _, tok := range strings.FieldsFunc(args, isArgSep) {
		if tok == "--fresh" || tok == "-fresh" || tok == "—fresh" {
			a.fresh = true
			continue
		}
		if ip, err := ioc.ParseIP(tok); err == nil {
			add(ip)
			continue
		}
		found := ioc.ExtractString(tok).Hits
		for _, h := range found {
			add(h.Addr)
		}
		if len(found) == 0 {
			a.invalid = append(a.invalid, tok)
		}
	}
	return a
}

// isArgSep separates /ip arguments: white space and ASCII or full-width
// commas, semicolons and the Chinese enumeration comma.
func isArgSep(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune(",;，；、", r)
}

// runIP answers /ip: one card per public IP up to MaxCards, a batch summary
// beyond. Unparseable tokens are listed and the rest still answered.
func (rt *Router) runIP(ctx context.Context, q *request, args string) error {
	a := parseIPArgs(args)
	if a.fresh && !q.admin {
		return intel.Errorf(intel.EUnauthorized, "只有管理员可以使用 --fresh 跳过缓存", "non-admin %s used --fresh", q.subj.Key())
	}
	if len(a.hits) == 0 {
		return noIPError(a.invalid)
	}
	j := job{hits: a.hits, source: "/ip 查询", fresh: a.fresh}
	if len(a.invalid) > 0 {
		j.notes = append(j.notes, "⚠️ 无法识别为 IP, 已忽略: "+listTokens(a.invalid))
	}
	if countPublic(a.hits) == 0 {
		j.notes = append(j.notes, "ℹ️ 以下均为内网/保留地址, 不查询, 也不计入额度: "+listHits(a.hits))
		return reply(ctx, q.r, plainLines(j.notes))
	}
	return rt.answer(ctx, q, j)
}

// noIPError is the EInvalid error of an /ip without any IP.
func noIPError(invalid []string) error {
	if len(invalid) == 0 {
		return intel.Errorf(intel.EInvalid, "请提供要查询的 IP。\n"+usageIP, "/ip without arguments")
	}
	return intel.Errorf(intel.EInvalid, "无法识别为 IP: "+listTokens(invalid)+"\n"+usageIP,
		"/ip with %d invalid tokens", len(invalid))
}

// maxListed caps how many tokens or IPs a note names.
const maxListed = 10

// listTokens names up to maxListed tokens, each clipped.
func listTokens(toks []string) string {
	shown := make([]string, 0, min(len(toks), maxListed))
	for _, t := range toks[:min(len(toks), maxListed)] {
		shown = append(shown, clipRunes(t, 40))
	}
	s := strings.Join(shown, ", ")
	if len(toks) > maxListed {
		s += fmt.Sprintf(" 等 %d 项", len(toks))
	}
	return s
}

// listHits names up to maxListed addresses.
func listHits(hits []ioc.Hit) string {
	toks := make([]string, len(hits))
	for i, h := range hits {
		toks[i] = h.Addr.String()
	}
	return listTokens(toks)
}

// countPublic counts the public addresses among hits.
func countPublic(hits []ioc.Hit) int {
	n := 0
	for _, h := range hits {
		if h.Public {
			n++
		}
	}
	return n
}
