package threatbooktest

import (
	"hash/fnv"
	"net/netip"
	"time"
)

// Category is the kind of answer the fake generates for an address.
//
// The mapping is stable: a 64-bit FNV-1a hash of the address's canonical
// text, mixed with a SplitMix64 step, modulo 100 gives the category:
//
//	 0– 9  Malicious  is_malicious, severity critical/high, C2, Botnet,
//	                  Scanner, Brute Force … (Level Malicious)
//	10–19  Suspicious half is_malicious with low confidence and
//	                  medium/low severity (Spam, Zombie, Suspicious), half not
//	                  malicious with risk types (Proxy, Tor, VPN, Socks)
//	20–89  Clean      severity info: IDC, CDN, Dynamic IP, Mobile, … or
//	                  nothing; about one in seven Whitelist (Level Trusted)
//	90–99  NoData     missing from the answer (code 2 when alone)
//
// Further hash steps pick the types, tags, location, carrier and ASN
// (64496–64511), so the same address always gets the same answer.
type Category int

// Categories.
const (
	CategoryClean Category = iota
	CategoryMalicious
	CategorySuspicious
	CategoryNoData
)

// String returns clean, malicious, suspicious or nodata.
func (c Category) String() string {
	return [...]string{"clean", "malicious", "suspicious", "nodata"}[c]
}

// CategoryOf returns the category the fake generates for ip.
func CategoryOf(ip netip.Addr) Category {
	return categoryOf(newStream(ip).next() % 100)
}

func categoryOf(bucket uint64) Category {
	switch {
	case bucket < 10:
		return CategoryMalicious
	case bucket < 20:
		return CategorySuspicious
	case bucket < 90:
		return CategoryClean
	default:
		return CategoryNoData
	}
}

// stream is a deterministic sequence of pseudo-random numbers per address.
type stream struct{ state uint64 }

func newStream(ip netip.Addr) *stream {
	h := fnv.New64a()
	_, _ = h.Write([]byte(ip.Unmap().String()))
	return &stream{state: h.Sum64()}
}

// next is one SplitMix64 step.
func (s *stream) next() uint64 {
	s.state += 0x9e3779b97f4a7c15
	z := s.state
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (s *stream) intn(n int) int { return int(s.next() % uint64(n)) }

func pick[T any](s *stream, list []T) T { return list[s.intn(len(list))] }

// profile is everything the fake says about one address.
type profile struct {
	cat        Category
	malicious  bool
	severity   string
	confidence string
	threats    []string
	info       []string
	tags       []tagClass
	scene      string
	place      place
	asn        int
	rank       int
	updated    time.Time
	score      int // confidence of the live intelligence (ip/query)
}

// baseTime anchors generated update times (fixed, so answers never change).
var baseTime = time.Date(2025, 5, 14, 12, 0, 0, 0, beijing)

func profileOf(ip netip.Addr) profile {
	s := newStream(ip)
	p := profile{cat: categoryOf(s.next() % 100)}
	switch p.cat {
	case CategoryMalicious:
		maliciousProfile(s, &p)
	case CategorySuspicious:
		suspiciousProfile(s, &p)
	default:
		cleanProfile(s, &p)
	}
	p.place = pick(s, places)
	p.asn = 64496 + s.intn(16)
	p.updated = baseTime.Add(-time.Duration(s.intn(90*24*3600)) * time.Second)
	return p
}

func maliciousProfile(s *stream, p *profile) {
	p.malicious = true
	p.severity = pick(s, []string{"critical", "high"})
	p.confidence = pick(s, []string{"high", "high", "medium"})
	p.threats = pick(s, maliciousTypes)
	p.info = []string{"IDC"}
	if fam := pick(s, families); fam != "" {
		p.tags = []tagClass{{Tags: []string{fam}, TagsType: "virus_family"}}
	}
	p.scene = pick(s, []string{"Hosting", "Cloud Provider", "Residence"})
	p.rank = 3 + s.intn(2)
	p.score = 80 + s.intn(20)
}

func suspiciousProfile(s *stream, p *profile) {
	if s.intn(2) == 0 {
		p.malicious = true
		p.severity = pick(s, []string{"medium", "low"})
		p.confidence = "low"
		p.threats = pick(s, weakTypes)
		p.score = 30 + s.intn(20)
	} else {
		p.severity = "low"
		p.confidence = "medium"
		p.threats = pick(s, riskTypes)
		p.score = 50 + s.intn(20)
	}
	p.scene = pick(s, []string{"Residence", "Hosting", "Mobile Network"})
	p.rank = 1 + s.intn(3)
}

func cleanProfile(s *stream, p *profile) {
	p.severity = "info"
	p.confidence = pick(s, []string{"low", "medium", "high"})
	p.info = pick(s, cleanTypes)
	p.scene = pick(s, []string{"", "Hosting", "Residence", "CDN", "Company", "University", "Mobile Network"})
	p.rank = s.intn(3)
	p.score = 60 + s.intn(30)
}

var (
	maliciousTypes = [][]string{
		{"C2"}, {"Botnet", "Zombie"}, {"Scanner"}, {"Scanner", "Brute Force"},
		{"SSH Brute Force"}, {"Exploit", "Scanner"}, {"Phishing"}, {"Malware"},
		{"Compromised"}, {"C2", "Malware"},
	}
	weakTypes  = [][]string{{"Spam"}, {"Zombie"}, {"Suspicious"}, {"Spam", "Zombie"}}
	riskTypes  = [][]string{{"Proxy"}, {"Tor", "Tor Proxy Out"}, {"VPN", "VPN Out"}, {"Socks Proxy"}, {"HTTP Proxy"}}
	cleanTypes = [][]string{
		{"IDC"}, {"CDN"}, {"Dynamic IP"}, {}, {}, {"IDC"}, {"Whitelist", "CDN"},
		{"Mobile"}, {"Gateway"}, {"Dynamic IP"}, {"Search Engine Crawler", "Whitelist"},
		{"DNS"}, {"Edu"}, {"Backbone"},
	}
	families = []string{"", "CobaltStrike", "Mirai", "Gafgyt", "Emotet", "AsyncRAT"}
)

// place is a location and the carrier announcing it (carriers invented).
type place struct {
	country, code, province, city, lng, lat, carrier string
}

var places = []place{
	{"China", "CN", "Beijing", "Beijing", "116.405285", "39.904989", "Example Telecom Beijing"},
	{"China", "CN", "Shanghai", "Shanghai", "121.472644", "31.231706", "Example Unicom Shanghai"},
	{"China", "CN", "Guangdong", "Shenzhen", "114.057868", "22.543099", "Example Cloud Co."},
	{"China", "CN", "Zhejiang", "Hangzhou", "120.153576", "30.287459", "Example Mobile Zhejiang"},
	{"China", "CN", "Sichuan", "Chengdu", "104.065735", "30.659462", "Example Broadband Sichuan"},
	{"United States", "US", "California", "Los Angeles", "-118.243683", "34.052235", "Example Hosting LLC"},
	{"United States", "US", "Virginia", "Ashburn", "-77.487442", "39.043757", "Example Cloud Services"},
	{"Netherlands", "NL", "North Holland", "Amsterdam", "4.897070", "52.377956", "Example Datacenter B.V."},
	{"Germany", "DE", "Hesse", "Frankfurt", "8.682127", "50.110924", "Example Transit GmbH"},
	{"Russia", "RU", "Moscow", "Moscow", "37.617300", "55.755826", "Example Networks LLC"},
	{"Japan", "JP", "Tokyo", "Tokyo", "139.691711", "35.689487", "Example Broadband K.K."},
	{"Singapore", "SG", "", "Singapore", "103.819836", "1.352083", "Example Asia Pte. Ltd."},
	{"Brazil", "BR", "Sao Paulo", "Sao Paulo", "-46.633308", "-23.550520", "Example Telecom S.A."},
	{"United Kingdom", "GB", "England", "London", "-0.127758", "51.507351", "Example Internet Ltd."},
	{"South Korea", "KR", "Seoul", "Seoul", "126.977969", "37.566535", "Example Telecom Korea"},
	{"India", "IN", "Maharashtra", "Mumbai", "72.877656", "19.075984", "Example Networks India"},
}
