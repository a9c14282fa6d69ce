package ioc

import (
	"errors"
	"net/netip"
	"testing"
)

func TestIsPublic(t *testing.T) {
	tests := []struct {
		addr   string
		public bool
	}{
		{"8.8.8.8", true}, {"1.1.1.1", true}, {"223.5.5.5", true}, {"100.63.255.255", true},
		{"100.128.0.0", true}, {"172.15.255.255", true}, {"172.32.0.0", true}, {"192.0.1.1", true},
		{"192.0.3.1", true}, {"192.88.98.1", true}, {"198.17.255.255", true}, {"198.20.0.0", true},
		{"198.51.99.1", true}, {"203.0.112.1", true}, {"203.0.114.1", true}, {"223.255.255.255", true},
		{"0.0.0.0", false}, {"0.1.2.3", false}, {"10.0.0.1", false}, {"100.64.0.1", false},
		{"100.127.255.255", false}, {"127.0.0.1", false}, {"169.254.1.1", false}, {"172.16.0.1", false},
		{"172.31.255.255", false}, {"192.0.0.9", false}, {"192.0.2.1", false}, {"192.88.99.1", false},
		{"192.168.1.1", false}, {"198.18.0.1", false}, {"198.19.255.255", false}, {"198.51.100.23", false},
		{"203.0.113.7", false}, {"224.0.0.1", false}, {"239.255.255.250", false}, {"240.0.0.1", false},
		{"255.255.255.255", false},
		{"2606:4700::1111", true}, {"2a00:1450:400f:80a::200e", true}, {"2002:c000:204::1", true},
		{"2001:4860:4860::8888", true}, {"2001:200::1", true}, {"3ffe::1", true},
		{"::", false}, {"::1", false}, {"::102:304", false}, {"64:ff9b::808:808", false},
		{"100::1", false}, {"fc00::1", false}, {"fd12:3456::1", false}, {"fe80::1", false},
		{"fec0::1", false}, {"ff02::1", false}, {"2001::1", false}, {"2001:2::1", false},
		{"2001:1ff::1", false}, {"2001:db8::1", false}, {"3fff::1", false}, {"3fff:fff::1", false},
		{"4000::1", false}, {"::ffff:8.8.8.8", true}, {"::ffff:10.0.0.1", false},
	}
	for _, tt := range tests {
		if got := IsPublic(netip.MustParseAddr(tt.addr)); got != tt.public {
			t.Errorf("IsPublic(%s) = %v, want %v", tt.addr, got, tt.public)
		}
	}
	if IsPublic(netip.Addr{}) {
		t.Error("IsPublic(zero Addr) = true")
	}
	if !IsPublic(netip.MustParseAddr("2606:4700::1%eth0")) {
		t.Error("a zone changes IsPublic")
	}
}

func TestParseIP(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1.2.3.4", "1.2.3.4"},
		{" 1.2.3.4\n", "1.2.3.4"},
		{"1.2.3[.]4", "1.2.3.4"},
		{"1[.]2[.]3[.]4", "1.2.3.4"},
		{"1(dot)2(dot)3(dot)4", "1.2.3.4"},
		{"１.２.３.４", "1.2.3.4"},
		{"1。2。3。4", "1.2.3.4"},
		{"1【.】2【.】3【.】4", "1.2.3.4"},
		{"010.001.002.003", "10.1.2.3"},
		{"2001:DB8::1", "2001:db8::1"},
		{"[2001:db8::1]", "2001:db8::1"},
		{"fe80::1%eth0", "fe80::1"},
		{"::ffff:1.2.3.4", "1.2.3.4"},
		{"::", "::"},
		{"2001[:]db8[:][:]1", "2001:db8::1"},
		{"", ""}, {"1.2.3", ""}, {"1.2.3.4.5", ""}, {"1.2.3.256", ""}, {"1.2.3.4:80", ""},
		{"1.2.3.4.", ""}, {"1.2.3.4/24", ""}, {"hxxp://1.2.3.4/", ""}, {"v1.2.3.4", ""},
		{"1.2.3.4 5.6.7.8", ""}, {"example.com", ""}, {"12:34:56", ""}, {"1.2.3.4%eth0", ""},
		{"[1.2.3.4", ""}, {"2001:db8::1]:443", ""}, {"1.2.3.4abc", ""},
	}
	for _, tt := range tests {
		got, err := ParseIP(tt.in)
		if tt.want == "" {
			if err == nil || !errors.Is(err, ErrNotIP) {
				t.Errorf("ParseIP(%q) = %v, %v; want ErrNotIP", tt.in, got, err)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("ParseIP(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestRoleString(t *testing.T) {
	if RoleUnknown.String() != "" || RoleSource.String() != "src" || RoleDest.String() != "dst" {
		t.Error("Role.String")
	}
}
