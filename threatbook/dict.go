package threatbook

import (
	"strings"
	"unicode/utf8"
)

// Class says what a ThreatBook threat type (a judgments or intel_types
// value) means for the verdict.
type Class uint8

// Classes of threat types, see api.md §4.2.
const (
	// ClassUnknown is a value missing from the dictionary. It is shown
	// verbatim and counts as a threat type (design.md §2).
	ClassUnknown Class = iota
	// ClassMalicious marks malicious activity (C2, Scanner, Spam, …).
	ClassMalicious
	// ClassRisk marks anonymisers (Proxy, VPN, Tor, …).
	ClassRisk
	// ClassInfo is descriptive only (IDC, CDN, Whitelist, …).
	ClassInfo
)

// String returns the class name: unknown, malicious, risk or informational.
func (c Class) String() string {
	switch c {
	case ClassMalicious:
		return "malicious"
	case ClassRisk:
		return "risk"
	case ClassInfo:
		return "informational"
	default:
		return "unknown"
	}
}

// IsThreat reports whether the class counts as a threat type: malicious,
// risk or unknown.
func (c Class) IsThreat() bool { return c != ClassInfo }

// Type is one dictionary entry for a judgments / intel_types value.
type Type struct {
	Name  string // English value as ThreatBook spells it (or as received, if unknown)
	ZH    string // Chinese display name (the English value if unknown)
	Class Class
}

// types is api.md §4.2, in the table's order: 57 values.
var types = []Type{
	{"C2", "远控", ClassMalicious},
	{"Botnet", "僵尸网络", ClassMalicious},
	{"Hijacked", "劫持", ClassMalicious},
	{"Phishing", "钓鱼", ClassMalicious},
	{"Malware", "恶意软件", ClassMalicious},
	{"Exploit", "漏洞利用", ClassMalicious},
	{"Scanner", "扫描", ClassMalicious},
	{"Zombie", "傀儡机", ClassMalicious},
	{"Spam", "垃圾邮件", ClassMalicious},
	{"Suspicious", "可疑", ClassMalicious},
	{"Compromised", "失陷主机", ClassMalicious},
	{"Brute Force", "暴力破解", ClassMalicious},
	{"SSH Brute Force", "SSH暴力破解", ClassMalicious},
	{"FTP Brute Force", "FTP暴力破解", ClassMalicious},
	{"SMTP Brute Force", "SMTP暴力破解", ClassMalicious},
	{"Http Brute Force", "HTTP AUTH暴力破解", ClassMalicious},
	{"Web Login Brute Force", "撞库", ClassMalicious},
	{"MiningPool", "矿池", ClassMalicious},
	{"CoinMiner", "私有矿池", ClassMalicious},
	{"Sinkhole C2", "安全机构接管 C2", ClassMalicious},
	{"suspicious_application", "可疑恶意软件", ClassMalicious},
	{"suspicious_website", "可疑恶意站点", ClassMalicious},
	{"Fakewebsite", "仿冒网站", ClassMalicious},
	{"Proxy", "代理", ClassRisk},
	{"HTTP Proxy", "HTTP代理", ClassRisk},
	{"HTTP Proxy In", "HTTP代理入口", ClassRisk},
	{"HTTP Proxy Out", "HTTP代理出口", ClassRisk},
	{"Socks Proxy", "Socks代理", ClassRisk},
	{"Socks Proxy In", "Socks代理入口", ClassRisk},
	{"Socks Proxy Out", "Socks代理出口", ClassRisk},
	{"VPN", "VPN代理", ClassRisk},
	{"VPN In", "VPN入口", ClassRisk},
	{"VPN Out", "VPN出口", ClassRisk},
	{"Tor", "Tor代理", ClassRisk},
	{"Tor Proxy In", "Tor入口", ClassRisk},
	{"Tor Proxy Out", "Tor出口", ClassRisk},
	{"Whitelist", "白名单", ClassInfo},
	{"Info", "基础信息", ClassInfo},
	{"Bogon", "保留地址", ClassInfo},
	{"FullBogon", "未启用IP", ClassInfo}, // also "Full Bogon"
	{"Gateway", "网关", ClassInfo},
	{"IDC", "IDC服务器", ClassInfo},
	{"Dynamic IP", "动态IP", ClassInfo},
	{"Edu", "教育", ClassInfo},
	{"DDNS", "动态域名", ClassInfo},
	{"Mobile", "移动基站", ClassInfo},
	{"Search Engine Crawler", "搜索引擎爬虫", ClassInfo},
	{"CDN", "CDN服务器", ClassInfo},
	{"Advertisement", "广告", ClassInfo},
	{"DNS", "DNS服务器", ClassInfo},
	{"BTtracker", "BT服务器", ClassInfo},
	{"Backbone", "骨干网", ClassInfo},
	{"ICP", "ICP备案", ClassInfo},
	{"IOT Device", "物联网设备", ClassInfo}, // also "IoT Device"
	{"Web Plug Deployed", "部署网站插件", ClassInfo},
	{"Gameserver", "游戏服务器", ClassInfo},
	{"CloudWAF", "云waf", ClassInfo},
}

// scenes is api.md §4.3. The empty scene means "unknown" and has no name.
var scenes = newTable(map[string]string{
	"CDN":                     "CDN",
	"University":              "学校单位",
	"Mobile Network":          "移动网络",
	"Unused":                  "已路由-未使用",
	"Unrouted":                "已分配-未路由",
	"WLAN":                    "WLAN",
	"Anycast":                 "Anycast",
	"Infrastructure":          "基础设施",
	"Internet Exchange":       "交换中心",
	"Company":                 "企业专线",
	"Hosting":                 "数据中心",
	"Satellite Communication": "卫星通信",
	"Residence":               "住宅用户",
	"Special Export":          "专用出口",
	"Institution":             "组织机构",
	"Cloud Provider":          "云厂商",
})

var severities = newTable(map[string]string{
	"critical": "严重", "high": "高", "medium": "中", "low": "低", "info": "无威胁",
})

var confidences = newTable(map[string]string{"high": "高", "medium": "中", "low": "低"})

var tagTypes = newTable(map[string]string{
	"virus_family": "病毒家族", "gangs": "团伙", "industry": "行业",
})

// table translates values by exact spelling first, then folded (see fold).
type table struct{ exact, folded map[string]string }

func newTable(m map[string]string) table {
	t := table{exact: m, folded: make(map[string]string, len(m))}
	for en, zh := range m {
		t.folded[fold(en)] = zh
	}
	return t
}

// zh returns the translation of v, or v verbatim when unknown.
func (t table) zh(v string) string {
	if zh, ok := t.exact[v]; ok {
		return zh
	}
	if zh, ok := t.folded[fold(v)]; ok {
		return zh
	}
	return v
}

// exactTypes and foldedTypes index types by exact and normalised spelling.
var exactTypes, foldedTypes = indexTypes()

func indexTypes() (exact, folded map[string]Type) {
	exact = make(map[string]Type, len(types))
	folded = make(map[string]Type, len(types))
	for _, t := range types {
		exact[t.Name] = t
		folded[fold(t.Name)] = t
	}
	return exact, folded
}

// fold normalises a value for matching: lower case without spaces,
// underscores or hyphens, so "Full Bogon" matches "FullBogon" and
// "IoT Device" matches "IOT Device".
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-', '\t':
			return -1
		}
		return toLower(r)
	}, s)
}

// foldEqual reports whether fold(s) == folded without allocating; folded
// must already be folded.
func foldEqual(s, folded string) bool {
	j := 0
	for _, r := range s {
		switch r {
		case ' ', '_', '-', '\t':
			continue
		}
		r = toLower(r)
		if r >= utf8.RuneSelf || j >= len(folded) || byte(r) != folded[j] {
			return false
		}
		j++
	}
	return j == len(folded)
}

func toLower(r rune) rune {
	if 'A' <= r && r <= 'Z' {
		return r + ('a' - 'A')
	}
	return r
}

// LookupType returns the dictionary entry for a judgments or intel_types
// value, matched case-insensitively and ignoring spaces, underscores and
// hyphens. Name keeps v as received. An unknown value comes back verbatim
// (ZH = v) with ClassUnknown; it is never dropped.
func LookupType(v string) Type {
	t, ok := exactTypes[v]
	if !ok {
		t, ok = foldedTypes[fold(v)]
	}
	if !ok {
		return Type{Name: v, ZH: v, Class: ClassUnknown}
	}
	t.Name = v
	return t
}

// Types returns a copy of the dictionary of threat types (api.md §4.2).
func Types() []Type { return append([]Type(nil), types...) }

// SceneZH translates a scene value (api.md §4.3); "" stays "" and an unknown
// value is returned verbatim.
func SceneZH(v string) string { return scenes.zh(v) }

// SeverityZH translates a severity value (critical … info); unknown values
// are returned verbatim.
func SeverityZH(v string) string { return severities.zh(v) }

// ConfidenceZH translates a confidence_level value (high, medium, low);
// unknown values are returned verbatim.
func ConfidenceZH(v string) string { return confidences.zh(v) }

// TagTypeZH translates a tags_type value (virus_family 病毒家族, gangs 团伙,
// industry 行业); anything else is returned verbatim.
func TagTypeZH(v string) string { return tagTypes.zh(v) }
