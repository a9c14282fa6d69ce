package threatbook

import "testing"

// TestJudgmentDictionary checks all 57 values of api.md §4.2, spelled as
// the table spells them.
func TestJudgmentDictionary(t *testing.T) {
	const m, r, i = ClassMalicious, ClassRisk, ClassInfo
	want := []struct {
		en, zh string
		class  Class
	}{
		{"C2", "远控", m}, {"Botnet", "僵尸网络", m}, {"Hijacked", "劫持", m}, {"Phishing", "钓鱼", m},
		{"Malware", "恶意软件", m}, {"Exploit", "漏洞利用", m}, {"Scanner", "扫描", m}, {"Zombie", "傀儡机", m},
		{"Spam", "垃圾邮件", m}, {"Suspicious", "可疑", m}, {"Compromised", "失陷主机", m},
		{"Brute Force", "暴力破解", m}, {"SSH Brute Force", "SSH暴力破解", m}, {"FTP Brute Force", "FTP暴力破解", m},
		{"SMTP Brute Force", "SMTP暴力破解", m}, {"Http Brute Force", "HTTP AUTH暴力破解", m},
		{"Web Login Brute Force", "撞库", m}, {"MiningPool", "矿池", m}, {"CoinMiner", "私有矿池", m},
		{"Sinkhole C2", "安全机构接管 C2", m}, {"suspicious_application", "可疑恶意软件", m},
		{"suspicious_website", "可疑恶意站点", m}, {"Fakewebsite", "仿冒网站", m},
		{"Proxy", "代理", r}, {"HTTP Proxy", "HTTP代理", r}, {"HTTP Proxy In", "HTTP代理入口", r},
		{"HTTP Proxy Out", "HTTP代理出口", r}, {"Socks Proxy", "Socks代理", r}, {"Socks Proxy In", "Socks代理入口", r},
		{"Socks Proxy Out", "Socks代理出口", r}, {"VPN", "VPN代理", r}, {"VPN In", "VPN入口", r}, {"VPN Out", "VPN出口", r},
		{"Tor", "Tor代理", r}, {"Tor Proxy In", "Tor入口", r}, {"Tor Proxy Out", "Tor出口", r},
		{"Whitelist", "白名单", i}, {"Info", "基础信息", i}, {"Bogon", "保留地址", i}, {"FullBogon", "未启用IP", i},
		{"Gateway", "网关", i}, {"IDC", "IDC服务器", i}, {"Dynamic IP", "动态IP", i}, {"Edu", "教育", i},
		{"DDNS", "动态域名", i}, {"Mobile", "移动基站", i}, {"Search Engine Crawler", "搜索引擎爬虫", i},
		{"CDN", "CDN服务器", i}, {"Advertisement", "广告", i}, {"DNS", "DNS服务器", i}, {"BTtracker", "BT服务器", i},
		{"Backbone", "骨干网", i}, {"ICP", "ICP备案", i}, {"IOT Device", "物联网设备", i},
		{"Web Plug Deployed", "部署网站插件", i}, {"Gameserver", "游戏服务器", i}, {"CloudWAF", "云waf", i},
	}
	if len(want) != 57 || len(Types()) != 57 {
		t.Fatalf("table has %d values, dictionary %d; api.md lists 57", len(want), len(Types()))
	}
	for _, w := range want {
		if got := LookupType(w.en); got.ZH != w.zh || got.Class != w.class || got.Name != w.en {
			t.Errorf("LookupType(%q) = %+v, want %s %v", w.en, got, w.zh, w.class)
		}
	}
}

func TestJudgmentSpellings(t *testing.T) {
	tests := []struct{ in, zh string }{
		{"Full Bogon", "未启用IP"}, {"fullbogon", "未启用IP"}, {"IoT Device", "物联网设备"},
		{"iot device", "物联网设备"}, {"HTTP Brute Force", "HTTP AUTH暴力破解"}, {"c2", "远控"},
		{"Suspicious Application", "可疑恶意软件"}, {"SINKHOLE C2", "安全机构接管 C2"},
	}
	for _, tc := range tests {
		if got := LookupType(tc.in); got.ZH != tc.zh || got.Name != tc.in {
			t.Errorf("LookupType(%q) = %+v, want %s", tc.in, got, tc.zh)
		}
	}
}

func TestUnknownJudgmentIsVerbatimThreat(t *testing.T) {
	for _, s := range []string{"Quantum Botnet", "", "未知类型", "<!channel>"} {
		got := LookupType(s)
		if got.Name != s || got.ZH != s || got.Class != ClassUnknown || !got.Class.IsThreat() {
			t.Errorf("LookupType(%q) = %+v", s, got)
		}
	}
}

func TestNoFoldCollisions(t *testing.T) {
	seen := map[string]string{}
	for _, ty := range Types() {
		if other, ok := seen[fold(ty.Name)]; ok {
			t.Errorf("%q and %q fold to the same key", ty.Name, other)
		}
		seen[fold(ty.Name)] = ty.Name
	}
}

func TestSceneDictionary(t *testing.T) {
	want := map[string]string{
		"CDN": "CDN", "University": "学校单位", "Mobile Network": "移动网络", "Unused": "已路由-未使用",
		"Unrouted": "已分配-未路由", "WLAN": "WLAN", "Anycast": "Anycast", "Infrastructure": "基础设施",
		"Internet Exchange": "交换中心", "Company": "企业专线", "Hosting": "数据中心",
		"Satellite Communication": "卫星通信", "Residence": "住宅用户", "Special Export": "专用出口",
		"Institution": "组织机构", "Cloud Provider": "云厂商", "": "", "Moon Base": "Moon Base",
	}
	for en, zh := range want {
		if got := SceneZH(en); got != zh {
			t.Errorf("SceneZH(%q) = %q, want %q", en, got, zh)
		}
	}
}

func TestSeverityConfidenceTagsCountries(t *testing.T) {
	tests := []struct {
		f      func(string) string
		in, zh string
	}{
		{SeverityZH, "critical", "严重"}, {SeverityZH, "high", "高"}, {SeverityZH, "medium", "中"},
		{SeverityZH, "low", "低"}, {SeverityZH, "info", "无威胁"}, {SeverityZH, "Critical", "严重"},
		{SeverityZH, "odd", "odd"}, {ConfidenceZH, "high", "高"}, {ConfidenceZH, "medium", "中"},
		{ConfidenceZH, "low", "低"}, {ConfidenceZH, "", ""}, {TagTypeZH, "virus_family", "病毒家族"},
		{TagTypeZH, "gangs", "团伙"}, {TagTypeZH, "industry", "行业"}, {TagTypeZH, "重保", "重保"},
		{func(c string) string { return CountryZH(c, "?") }, "CN", "中国"},
		{func(c string) string { return CountryZH(c, "?") }, "us", "美国"},
		{func(c string) string { return CountryZH(c, "?") }, "NL", "荷兰"},
		{func(c string) string { return CountryZH(c, "?") }, "RU", "俄罗斯"},
		{func(c string) string { return CountryZH(c, "Atlantis") }, "ZZ", "Atlantis"},
	}
	for _, tc := range tests {
		if got := tc.f(tc.in); got != tc.zh {
			t.Errorf("%q → %q, want %q", tc.in, got, tc.zh)
		}
	}
	if len(countries) < 60 {
		t.Errorf("only %d countries", len(countries))
	}
}

func TestFoldEqual(t *testing.T) {
	for _, s := range []string{"Whitelist", "whitelist", "White List", "white_list", "WHITE-LIST", "Whitelists",
		"Whitelis", "", "Whitelißt", "K\u212Aelvin", "white\tlist", "\xffwhitelist", "CDN"} {
		if got, want := foldEqual(s, "whitelist"), fold(s) == "whitelist"; got != want {
			t.Errorf("%q: foldEqual %v, fold %v", s, got, want)
		}
	}
}
