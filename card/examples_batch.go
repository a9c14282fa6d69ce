package card

import (
	"fmt"
	"net/netip"
	"time"

	"tibot/intel"
)

// exampleSmallBatch is a 9-IP paste: listed in full, no CSV.
func exampleSmallBatch(now time.Time, quota *intel.QuotaStatus) Batch {
	vs := []intel.Verdict{
		exampleMalicious(now), exampleSuspicious(now), exampleClean(now), exampleTrusted(now),
		exampleIPv6(now), exampleUnknown(),
		intel.Failed(netip.MustParseAddr("203.0.113.77"), &intel.Error{Code: intel.EQuota, Message: "额度不足, 已加入待查队列"}),
		intel.Failed(netip.MustParseAddr("203.0.113.78"), &intel.Error{Code: intel.EUpstream}),
		exampleBatchVerdict(now, 7),
	}
	return Batch{Verdicts: vs, Unique: 12, Private: 3, Cached: 3, Live: 4, Failed: 1, Deferred: 1,
		Quota: quota, Now: now, Source: "粘贴的日志"}
}

// exampleBatch200 is a 200-IP log file with many malicious addresses, so
// both sections are truncated and a CSV is attached.
func exampleBatch200(now time.Time, quota *intel.QuotaStatus) Batch {
	b := Batch{Unique: 231, Private: 31, Quota: quota, Now: now, Source: "文件 auth.log"}
	for i := range 200 {
		v := exampleBatchVerdict(now, i)
		b.Verdicts = append(b.Verdicts, v)
		switch {
		case v.Err != nil && v.Err.Code == intel.EQuota:
			b.Deferred++
		case v.Err != nil:
			b.Failed++
		case v.Cached:
			b.Cached++
		default:
			b.Live++
		}
	}
	return b
}

// exampleDeferredBatch is what the queue worker answers after the reset.
func exampleDeferredBatch(now time.Time) Batch {
	vs := []intel.Verdict{exampleMalicious(now), exampleClean(now), exampleBatchVerdict(now, 3)}
	for i := range vs {
		vs[i].Cached = false
	}
	q := &intel.QuotaStatus{Used: 3, Limit: 20, Remaining: 17, ResetAt: nextMidnight(now)}
	return Batch{Verdicts: vs, Unique: 3, Live: 3, Quota: q, Now: now, Source: "待查队列"}
}

// exampleBatchVerdict is the i-th verdict of a deterministic mixed batch:
// addresses cycle through 198.51.100.0/24 and 203.0.113.0/24.
func exampleBatchVerdict(now time.Time, i int) intel.Verdict {
	net := "198.51.100"
	if i%2 == 1 {
		net = "203.0.113"
	}
	v := intel.Verdict{
		IP:       netip.MustParseAddr(fmt.Sprintf("%s.%d", net, 100+i/2)),
		Location: intel.Location{CountryZH: []string{"荷兰", "美国", "俄罗斯", "中国", "新加坡"}[i%5]},
		Carrier:  "Example Net " + string(rune('A'+i%5)), Source: "threatbook.reputation",
		FetchedAt: now.Add(-time.Duration(i) * time.Minute), Cached: i%3 != 0,
	}
	switch {
	case i == 197:
		return intel.Failed(v.IP, &intel.Error{Code: intel.EUpstream})
	case i >= 198:
		return intel.Failed(v.IP, &intel.Error{Code: intel.EQuota, Message: "额度不足, 已加入待查队列"})
	case i%4 == 1:
		v.Level, v.Malicious, v.Severity, v.SeverityZH = intel.LevelMalicious, true, "high", "高"
		if i%8 == 5 {
			v.Severity, v.SeverityZH = "critical", "严重"
		}
		v.ThreatTypes, v.ThreatTypesZH = []string{"C2", "Botnet"}, []string{"远控", "僵尸网络"}
	case i%6 == 2:
		v.Level, v.Malicious, v.Severity, v.SeverityZH = intel.LevelSuspicious, true, "low", "低"
		v.ThreatTypes, v.ThreatTypesZH = []string{"Scanner", "Brute Force"}, []string{"扫描", "暴力破解"}
	default:
		v.Level, v.Severity, v.SeverityZH = intel.LevelClean, "info", "无威胁"
	}
	return v
}
