// Package ioc finds IP addresses in free text and logs: chat messages,
// pasted log snippets, uploaded files of any size. It uses the standard
// library only.
//
// Extract streams an io.Reader through a fixed 64 KiB buffer, so memory does
// not grow with line length or input size; only the table of unique
// addresses does. ExtractBytes and ExtractString scan text already in
// memory in place, without a buffer or a copy. ScanLines reports
// addresses line by line, ParseIP reads one typed argument and IsPublic
// tells which addresses are worth a threat-intelligence lookup.
//
// # Accepted forms
//
// IPv4 in any delimiter context (quotes, brackets, key=value, "ip:port",
// "/prefix", URLs, JSON, CSV, syslog, CEF, LEEF). Zero-padded octets are
// decimal: 010.001.002.003 is 10.1.2.3.
//
// IPv6 full, compressed, with an embedded IPv4 address, in brackets with a
// port, with a zone ("fe80::1%eth0", zone dropped). IPv4-mapped addresses are
// reported as IPv4 (::ffff:1.2.3.4 is 1.2.3.4); other addresses are printed
// in RFC 5952 form by netip.Addr.String.
//
// Defanged: 1.2.3[.]4, 1[.]2[.]3[.]4, 1.2.3(.)4, 1.2.3{.}4, 1.2.3[dot]4 (any
// case), 1.2.3.4[:]80, hxxp://, hxxps[:]//, and a defanged colon in IPv6
// (2001[:]db8[:][:]1). A bracket must be closed by its own kind.
//
// Full-width input from Chinese input methods: digits and hex letters
// (１.２.３.４, ｆｅ８０：：１), the full-width dot ．, the ideographic full
// stop 。, the full-width colon ：, and the brackets 【.】（.）［.］｛.｝〔.〕.
//
// # Not addresses
//
// Octets above 255; four-digit parts; pieces of longer dotted runs
// (1.2.3.4.5, SNMP OIDs such as 1.3.6.1.4.1.9) and dotted quads glued to a
// word or a hostname (v1.2.3.4, abc1.2.3.4, 1.2.3.4.example.com,
// 4.3.2.1.in-addr.arpa). A dotted quad that is the value of a version key is
// a version: a key whose last segment is v, ver, vers, version, build, fw,
// firmware, release, rev or revision, or that ends in "version" (appVersion,
// os_version) or 版本/版本号; and a user-agent product token Name/x.y.z.w
// (Chrome/113.0.0.0, Firefox/…, Version/…, kernel/5.15.90.1) unless a port
// follows: one to five digits, up to 65535, and no hex digit after them
// (OpenVPN's client1/192.168.1.13:54321 is an address, A/1.2.3.4:123456 is
// not). Times
// (12:34:56, 11:16,301::WARNING), MAC addresses, hashes and look-alikes such
// as dead:beef or 1:2:3:4:5:6:7:8:9 never yield IPv6.
//
// # Decisions on ambiguous cases
//
// BSD netstat and tcpdump print an address and a port as one dotted run,
// 10.1.1.117.4222. A five-part run is read as address and port when its
// fifth part cannot be an octet (256 to 65535), or when tcpdump's " > "
// arrow is next to it (172.1.2.3.22 > 1.2.3.4.43436). Any other five-part
// run (1.2.3.4.5, 10.1.1.117.22 in netstat) is not an address: a wrong
// lookup costs a quota unit, a missed BSD socket with a port below 256 is
// rare. The same ".port" is accepted after an IPv6 address, as tcpdump
// prints it (2001:db8::1.443).
//
// A Chinese full stop right after an address typed with other dots ends the
// sentence: 攻击IP为1.2.3.4。5分钟后 is 1.2.3.4. A dot after an address ends a
// sentence unless a letter or digit follows.
//
// Forms with at most one explicit group (::1, ::, 1::) need a clear
// delimiter on both sides (space, quote, bracket, = , ; | / # % …), and a
// form ending in "::" must be bracketed ([::]:80) or followed by "/"
// (fe80::/10): this keeps 2024-07-22 11:11:16,301::WARNING and code such as
// Foo::Bar out.
//
// In "key:value" text glued together, the address starts after the colon
// when the key is a word (src:1.2.3.4, eth0:fe80::1); a run of hex groups
// glued by colons (dead:1.2.3.4) is one run and is not an address.
//
// # Role hints
//
// A key just before an address (then =, :, ：, spaces or quotes) says which
// side of a connection it is. Source: src, srcip, src_ip, source, sourceip,
// sip, saddr, client, client_ip, cip (c-ip), remote, remote_addr, remote_ip,
// rhost, attacker, from, x-forwarded-for, x-real-ip, "Source IP", 源IP,
// 源地址, 攻击IP, 攻击者, 攻击源, 来源, 客户端IP, 来自, 从. Destination: dst,
// dstip, dst_ip, destination, dest, dip, daddr, target, victim, server_ip,
// to, 目的IP, 目的地址, 目标IP, 目标地址, 受害IP, 受害者. Keys compare
// without case, '_', '-' or '.'. In tcpdump output the address before " > "
// is the source and the one after it the destination. A hit is RoleSource
// if any occurrence is source-labelled, else RoleDest if any is
// destination-labelled.
//
// # Binary input
//
// Input with NUL bytes, or in which more than a quarter of the bytes are not
// valid UTF-8, is reported as Result.Binary; the addresses found in its text
// parts are still reported, and random bytes practically never form one.
//
// # How it is fast
//
// The scanner never looks at most bytes one by one. It classifies whole
// 64-byte blocks, 30 at a time (AVX2 on amd64: two nibble-table lookups
// give each byte its class; plain Go elsewhere), and computes with shifts
// and masks the few bytes where an address can be: the first of three
// digit-dot-digit separators 2 to 4 bytes apart, the first of four
// hex-colon-hex 2 to 5 bytes apart, a "::", a bracket after a hex digit
// followed by '.', ':' or "dot", and UTF-8 lead bytes of full-width forms.
// A typical log line has about one such byte per address it holds against a
// dozen dots and colons in times and versions. At a plain ASCII dotted quad,
// nearly every hit in real logs, a fused fast path finds the run from the
// block's masks, parses it (with 16-byte vectors where the processor has
// AVX2) and checks its neighbours in one function, and another does the
// same for plain ASCII IPv6; the unusual forms take the general path,
// which walks back to the start of the run, normalizes full-width and
// defanged characters and parses without allocating. Both look at most 96
// bytes back for a key: read in place a word at a time, filtered by how it
// ends, and looked up with one probe of a perfect hash table. A second
// AVX2 pass skips plain ASCII when checking for NUL bytes and invalid
// UTF-8. Occurrences are counted in open-addressing hash sets whose slots
// hold each address's count and roles. Most addresses in a log repeat, and
// once one has been seen as a source the role of its later occurrences
// changes nothing: the fast path then reads only the six bytes before such
// a repeat, enough to rule out a version key in nearly every case, and
// counts it in its slot itself. Results do not
// depend on how the input is split into reads or buffers: every step reads
// a bounded window, and a refill keeps enough text on both sides. Tests
// compare the fast path with the general path, the AVX2 code with the Go
// code, and streaming with in-memory scanning.
package ioc
