package threatbooktest

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"net/netip"
	"os"
	"path"
	"strings"
)

// LoadFixtureDir is LoadFixtures on a directory, which must exist.
func (s *Server) LoadFixtureDir(dir string) error {
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("threatbooktest fixtures: %s is not a directory", dir)
	}
	return s.LoadFixtures(os.DirFS(dir))
}

// LoadFixtures reads the *.json files at the root of fsys. In files named
// reputation-*.json and query-*.json, every entry of the "data" object
// becomes the answer for that IP on that endpoint, overriding the generated
// one. Files without data (saved error answers) are skipped.
func (s *Server) LoadFixtures(fsys fs.FS) error {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return fmt.Errorf("threatbooktest fixtures: %w", err)
	}
	for _, name := range names {
		ep := fixtureEndpoint(name)
		if ep == "" {
			continue
		}
		if err := s.loadFixture(fsys, name, ep); err != nil {
			return err
		}
	}
	return nil
}

func fixtureEndpoint(name string) string {
	switch base := path.Base(name); {
	case strings.HasPrefix(base, "reputation-"):
		return EndpointReputation
	case strings.HasPrefix(base, "query-"):
		return EndpointQuery
	default:
		return ""
	}
}

func (s *Server) loadFixture(fsys fs.FS, name, ep string) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("threatbooktest fixture %s: %w", name, err)
	}
	var body struct {
		Data map[string]json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(b, &body); err != nil {
		return fmt.Errorf("threatbooktest fixture %s: %w", name, err)
	}
	for key, entry := range body.Data {
		ip, err := netip.ParseAddr(key)
		if err != nil {
			return fmt.Errorf("threatbooktest fixture %s: data key %q: %w", name, key, err)
		}
		s.SetAnswer(ep, ip, entry)
	}
	return nil
}

// SetAnswer makes entry (one per-IP JSON object) the answer for ip on
// endpoint, overriding the generated one.
func (s *Server) SetAnswer(endpoint string, ip netip.Addr, entry json.RawMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.repFix
	if endpoint == EndpointQuery {
		m = s.queryFix
	}
	m[ip.Unmap()] = append([]byte(nil), entry...)
}

// reputationFor returns the fixture or generated answer for ip.
func (s *Server) reputationFor(ip netip.Addr) (json.RawMessage, bool) {
	s.mu.Lock()
	fix, ok := s.repFix[ip]
	s.mu.Unlock()
	if ok {
		return fix, true
	}
	return Generate(ip, EndpointReputation)
}

// queryFor returns the query fixture for ip, else one derived from its
// reputation fixture, else the generated answer.
func (s *Server) queryFor(ip netip.Addr) (json.RawMessage, bool) {
	s.mu.Lock()
	fix, ok := s.queryFix[ip]
	rep, repOK := s.repFix[ip]
	s.mu.Unlock()
	if ok {
		return fix, true
	}
	if repOK {
		if b, err := queryFromReputation(rep); err == nil {
			return b, true
		}
	}
	return Generate(ip, EndpointQuery)
}

// queryFromReputation derives an ip/query answer from a reputation fixture:
// same location, ASN, scene and tags, and one live intelligence carrying
// the judgments with a confidence from confidence_level.
func queryFromReputation(raw json.RawMessage) (json.RawMessage, error) {
	var r repEntry
	if err := json.Unmarshal(raw, &r); err != nil {
		return nil, err
	}
	score, ok := map[string]int{"high": 90, "medium": 70, "low": 40}[strings.ToLower(r.Confidence)]
	if !ok {
		score = 50
	}
	rec := intelRecord{Source: "ThreatBook Labs", Confidence: score, IntelTags: nonNil(r.TagsClasses),
		FindTime: r.UpdateTime, IntelTypes: nonNil(r.Judgments), UpdateTime: r.UpdateTime}
	q := queryEntry{
		Samples: []struct{}{}, TagsClasses: nonNil(r.TagsClasses), Judgments: nonNil(r.Judgments),
		Intelligences: map[string][]intelRecord{"threatbook_lab": {rec}, "x_reward": {}, "open_source": {}},
		Scene:         r.Scene, Basic: r.Basic, ASN: r.ASN,
		Ports: []struct{}{}, Cas: []struct{}{}, RdnsList: []struct{}{},
		UpdateTime: r.UpdateTime, SumCurDomains: "0",
	}
	return json.Marshal(q)
}
