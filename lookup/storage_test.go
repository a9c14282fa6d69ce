package lookup_test

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"tibot/intel"
	"tibot/ioc"
	"tibot/lookup"
	"tibot/storage"
	"tibot/threatbook"
	"tibot/threatbook/threatbooktest"
)

// TestConcurrentUsersRealStorage: 100 users paste overlapping IP lists at
// once through the real client, fake server and bbolt database (run with
// -race). Every user is charged exactly their successful live lookups,
// never more than the limit, and the server served exactly the units
// charged.
func TestConcurrentUsersRealStorage(t *testing.T) {
	const users, each, limit = 100, 30, 20
	day := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	// A fixed clock: on the real one the test could span Beijing midnight
	// (16:00 UTC), when every quota starts again.
	db, err := storage.Open(filepath.Join(t.TempDir(), "tibot.db"), storage.Options{QuotaDefault: limit, Now: func() time.Time { return day }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	fake := threatbooktest.NewServer(threatbooktest.Options{Keys: []string{benchKey}, DailyQuota: -1})
	t.Cleanup(fake.Close)
	client, err := threatbook.New(threatbook.Options{BaseURL: fake.URL, Keys: []string{benchKey}, DailyLimit: 1 << 30, Ledger: db})
	if err != nil {
		t.Fatal(err)
	}
	s, err := lookup.New(lookup.Config{Source: client, Cache: db, Quota: db, History: db, Queue: db})
	if err != nil {
		t.Fatal(err)
	}
	results := make([]lookup.Result, users)
	var wg sync.WaitGroup
	for u := range users {
		wg.Go(func() {
			hits := make([]ioc.Hit, each)
			for i := range hits { // user u sees 45.9.0.(u+i): neighbours overlap
				hits[i] = ioc.Hit{Addr: netip.AddrFrom4([4]byte{45, 9, byte((u + i) >> 8), byte(u + i)}), Count: 1, Public: true}
			}
			subj := intel.Subject{Platform: "slack", User: fmt.Sprint("U", u)}
			to := intel.ReplyTarget{Platform: "slack", Chat: "C1", Thread: fmt.Sprint(u)}
			res, err := s.Lookup(t.Context(), lookup.Request{Hits: hits, Subject: subj, ReplyTo: to})
			if err != nil {
				t.Error(err)
			}
			results[u] = res
		})
	}
	wg.Wait()
	live := 0
	for u, res := range results {
		st, err := db.QuotaStatus(t.Context(), intel.Subject{Platform: "slack", User: fmt.Sprint("U", u)})
		if err != nil {
			t.Fatal(err)
		}
		if st.Used != res.Live || res.Live > limit || res.Live+res.Cached+res.Failed+res.OverQuota != each || res.Failed != 0 {
			t.Errorf("user %d: used %d, result %+v", u, st.Used, res)
		}
		live += res.Live
	}
	if units := fake.Stats().Units; units != live {
		t.Errorf("server served %d units, users were charged %d", units, live)
	}
}
