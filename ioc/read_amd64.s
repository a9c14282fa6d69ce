#include "textflag.h"

// The AVX2 address readers: quadAVX reads a dotted quad, dotAVX a plain
// dotted quad with its run's bounds and neighbours (fast4), v6AVX a plain
// IPv6 run (fast6).

// A 32-byte constant: one byte, or one 32-bit word, repeated. X
// instructions read its first 16 bytes.
#define BYTES32(name, x) \
	DATA name<>+0(SB)/8, $x; DATA name<>+8(SB)/8, $x; \
	DATA name<>+16(SB)/8, $x; DATA name<>+24(SB)/8, $x; GLOBL name<>(SB), RODATA|NOPTR, $32

BYTES32(zero30, 0x3030303030303030) // '0'
BYTES32(nine, 0x0909090909090909)
BYTES32(ten, 0x0a0a0a0a0a0a0a0a)
BYTES32(dots, 0x2e2e2e2e2e2e2e2e)
BYTES32(colons, 0x3a3a3a3a3a3a3a3a)
BYTES32(unders, 0x5f5f5f5f5f5f5f5f) // '_'
BYTES32(parens, 0x2828282828282828) // '('
BYTES32(braces, 0x1a1a1a1a1a1a1a1a) // '[' and '{' less 'a', with 0x20 set
BYTES32(lower, 0x2020202020202020)
BYTES32(lowa, 0x6161616161616161) // 'a'
BYTES32(five, 0x0505050505050505)
BYTES32(twentyfive, 0x1919191919191919)
BYTES32(weights, 0x00010a6400010a64) // 100, 10, 1, 0 per octet slot
BYTES32(ones16, 0x0001000100010001)
BYTES32(max255, 0x000000ff000000ff)
DATA pick<>+0(SB)/8, $0x808080800004080c // octet slots 3, 2, 1, 0 to bytes 0-3
DATA pick<>+8(SB)/8, $0x8080808080808080
GLOBL pick<>(SB), RODATA|NOPTR, $16

// QUAD reads the dotted quad at the start of a run from the masks of the
// run's first 16 bytes (bit k for byte k): AX its digits, BX its dots, DX
// its hex letters; CX is the run's length, X1 the 16 bytes less '0', DI
// quadShuffles. It leaves the address in AX, the index where it ends (the
// fourth stop) in R11, and R14 nonzero when the bytes are not an address.
// It uses R8-R13 and X2.
//
// It finds the octets' ends (stops) from the digit mask, checks their
// lengths (one to three digits) all at once, and then moves each octet's
// digits into a 4-byte slot of its own with a shuffle chosen by the
// lengths, where two multiply-adds weigh them.
#define QUAD \
	MOVQ  $16, R8; CMPQ CX, R8; CMOVQGT R8, CX; \
	MOVL  $1, R8; SHLL CX, R8; DECL R8; \
	ANDL  R8, AX; ANDL R8, DX; NOTL AX; \
	MOVL  AX, R13; \
	TZCNTL  AX, R8; LEAL -1(AX), R12; ANDL R12, AX; \
	TZCNTL  AX, R9; LEAL -1(AX), R12; ANDL R12, AX; \
	TZCNTL  AX, R10; LEAL -1(AX), R12; ANDL R12, AX; \
	TZCNTL  AX, R11; XORL AX, R13; \
	MOVL  R8, AX; \
	MOVL  R9, R12; SUBL R8, R12; DECL R12; SHLL $8, R12; ORL R12, AX; \
	MOVL  R10, R12; SUBL R9, R12; DECL R12; SHLL $16, R12; ORL R12, AX; \
	MOVL  R11, R12; SUBL R10, R12; DECL R12; SHLL $24, R12; ORL R12, AX; \
	XORL  R14, R14; \
	MOVL  AX, R12; ANDL $0x04040404, R12; ORL R12, R14; \
	SUBL  $0x01010101, AX; \
	MOVL  AX, R12; ANDL $0xfcfcfcfc, R12; ORL R12, R14; \
	IMUL3L $0x1b090301, AX, AX; SHRL $24, AX; \
	XORL  R12, R12; TESTL R14, R14; CMOVLNE R12, AX; SHLL $4, AX; \
	NOTL  BX; ANDL BX, R13; ORL R13, R14; \
	BTL   R11, DX; SETCS R12B; ORL R12, R14; \
	VPSHUFB (DI)(AX*1), X1, X1; \
	VPMADDUBSW weights<>(SB), X1, X1; \
	VPMADDWD ones16<>(SB), X1, X1; \
	VPCMPGTD max255<>(SB), X1, X2; \
	VPMOVMSKB X2, R12; ORL R12, R14; \
	VPSHUFB pick<>(SB), X1, X1; \
	VMOVD X1, AX

// QUADMASKS sets QUAD's inputs from the 16 bytes in X0: AX their digits,
// BX their dots, DX their hex letters, X1 the bytes less '0'. It uses
// X2-X5.
#define QUADMASKS \
	VPSUBB zero30<>(SB), X0, X1; VPMINUB nine<>(SB), X1, X2; VPCMPEQB X1, X2, X2; VPMOVMSKB X2, AX; \
	VPCMPEQB dots<>(SB), X0, X3; VPMOVMSKB X3, BX; \
	VPOR lower<>(SB), X0, X4; VPSUBB lowa<>(SB), X4, X4; VPMINUB five<>(SB), X4, X5; \
	VPCMPEQB X4, X5, X5; VPMOVMSKB X5, DX

// In QUAD, step by step:
//   - valid: the first n bytes (all 16 from n = 16 on). Stops are the
//     bytes that end an octet, from bit 16 on too.
//   - R8, R9, R10: the first three stops (d1, d2, d3), R11 the fourth (e);
//     R13 the first three.
//   - The octets' lengths less one, a byte each (d1, d2-d1-1, d3-d2-1,
//     e-d3-1): a length of 4 or more, or 0 (which borrows), is bad. In
//     base 3 the lengths are the shuffle's pattern, 0 when they are bad so
//     that its load stays in the table.
//   - The first three stops must be dots, the fourth no hex letter.
//   - Each octet is shuffled into its slot, weighed and checked (no
//     octet above 255), and the four are picked into the address.

// func quadAVX(p *byte, n int, tab *[81][16]byte) (addr uint32, end int, ok bool)
//
// quad16 (quad16.go) with 16-byte vectors: QUAD on the 16 bytes at p.
TEXT ·quadAVX(SB), NOSPLIT, $0-41
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ tab+16(FP), DI

	VMOVDQU (SI), X0
	QUADMASKS
	QUAD

	XORL  R12, R12
	TESTL R14, R14
	CMOVLNE R12, AX
	CMOVQNE R12, R11
	SETEQ R12B
	MOVL  AX, addr+24(FP)
	MOVQ  R11, end+32(FP)
	MOVB  R12B, ok+40(FP)
	RET

// func dotAVX(p *byte, tab *[81][16]byte) (addr uint32, r uint32)
//
// fast4's reading of a plain ASCII dotted quad at the dot event p[4],
// from the 32 bytes at p. When it finds an address, the bytes of r are 1,
// where the run starts, where the address ends and where the run ends, as
// indices from p. Otherwise r is 0, and fast4Go decides.
TEXT ·dotAVX(SB), NOSPLIT, $0-24
	MOVQ p+0(FP), SI
	MOVQ tab+8(FP), DI
	MOVL $0, addr+16(FP)
	MOVL $0, r+20(FP)

	// The classes of the 32 bytes, a mask each (bit k for p[k]).
	VMOVDQU (SI), Y0
	VPSUBB  zero30<>(SB), Y0, Y1
	VPMINUB ten<>(SB), Y1, Y2
	VPCMPEQB Y1, Y2, Y2
	VPMOVMSKB Y2, AX             // 0-9 and ':'
	VPCMPEQB colons<>(SB), Y0, Y3
	VPMOVMSKB Y3, BX             // ':'
	VPCMPEQB dots<>(SB), Y0, Y4
	VPMOVMSKB Y4, R14            // '.'
	VPOR    lower<>(SB), Y0, Y5
	VPSUBB  lowa<>(SB), Y5, Y5   // letters: 0 to 25
	VPMINUB five<>(SB), Y5, Y6
	VPCMPEQB Y5, Y6, Y6
	VPMOVMSKB Y6, DX             // hex letters
	VPMINUB twentyfive<>(SB), Y5, Y7
	VPCMPEQB Y5, Y7, Y7
	VPCMPEQB unders<>(SB), Y0, Y8
	VPOR    Y7, Y8, Y7
	VPMOVMSKB Y7, R8             // letters and '_'
	VPMOVMSKB Y0, R9             // 0x80 and above
	VPCMPEQB braces<>(SB), Y5, Y9
	VPCMPEQB parens<>(SB), Y0, Y10
	VPOR    Y9, Y10, Y9
	VPMOVMSKB Y9, R10            // '[' '{' '('
	VZEROUPPER

	MOVL AX, R11
	ORL  R14, R11
	ORL  DX, R11
	NOTL R11                     // not in a run (hex digits, '.', ':')
	XORL BX, AX                  // digits
	ORL  AX, R8
	ORL  R9, R8                  // in a word, or 0x80 and above: W
	ORL  R9, R10                 // may go on as defanged or full-width text

	// The run starts 1 to 3 bytes before the event, after a byte that is
	// not in a word: s, in R12, is one more than the index of the last
	// byte of p[0:3] not in a run (p[3], a hex digit, always is), read
	// from a table of 2-bit entries: BSR is slow on some processors.
	MOVL R11, CX
	ANDL $7, CX
	JZ   done
	ADDL CX, CX
	MOVL $0xffa4, R12
	SHRL CX, R12
	ANDL $3, R12
	LEAL -1(R12), CX
	BTL  CX, R8
	JCS  done

	// It ends at the next byte that is not in a run, which must not go
	// on as defanged or full-width text: e, in R13. (TZCNT rather than
	// BSF, which is slow on some processors; where BMI1 is missing it runs
	// as BSF, the same for a word that is not zero.)
	ANDL $0xffffffe0, R11
	JZ   done
	TZCNTL R11, R13
	BTL  R13, R10
	JCS  done

	// The address must be followed by a byte not in a word, or by a dot
	// and then one: bad where W | '.' & W>>1. SI keeps that mask, s and e.
	MOVL R8, R11
	SHRL $1, R11
	ANDL R14, R11
	ORL  R8, R11
	MOVL R14, BX                 // dots

	// QUAD on the run from s.
	MOVL R12, CX
	SHRL CX, AX
	SHRL CX, BX
	SHRL CX, DX
	VMOVDQU (SI)(R12*1), X1
	VPSUBB  zero30<>(SB), X1, X1
	MOVQ R13, SI
	SHLQ $16, SI
	ORQ  R12, SI
	SHLQ $32, SI
	ORQ  R11, SI
	MOVL R13, CX
	SUBL R12, CX
	QUAD
	TESTL R14, R14
	JNZ   done

	MOVQ SI, R12
	SHRQ $32, R12                // s, and e from bit 16
	MOVBLZX R12B, R13
	ADDL R13, R11                // where the address ends
	BTL  R11, SI
	JCS  done
	SHLL $16, R11
	SHLL $8, R12
	ORL  R11, R12
	ORL  $1, R12
	MOVL AX, addr+16(FP)
	MOVL R12, r+20(FP)

done:
	RET

// HEXCOLON sets AX's bit for each hex digit, DX's for each ':' and R14's
// for each '.' in the 32 bytes of Y0, from bit sh on. Uses Y1-Y3, BX.
#define HEXCOLON(sh) \
	VPSUBB zero30<>(SB), Y0, Y1; VPMINUB nine<>(SB), Y1, Y2; VPCMPEQB Y1, Y2, Y2; \
	VPOR lower<>(SB), Y0, Y1; VPSUBB lowa<>(SB), Y1, Y1; VPMINUB five<>(SB), Y1, Y3; \
	VPCMPEQB Y1, Y3, Y3; VPOR Y2, Y3, Y3; \
	VPMOVMSKB Y3, BX; SHLQ $sh, BX; ORQ BX, AX; \
	VPCMPEQB colons<>(SB), Y0, Y1; VPMOVMSKB Y1, BX; SHLQ $sh, BX; ORQ BX, DX; \
	VPCMPEQB dots<>(SB), Y0, Y1; VPMOVMSKB Y1, BX; SHLQ $sh, BX; ORQ BX, R14

// func v6AVX(p *byte, n int, ip *[16]byte, tab *[81][16]byte) (st uint32)
//
// parseV6 for a run of plain ASCII, p[:n], with 1 <= n < 64, in the most
// common shapes: hex groups of one to four digits joined by single colons,
// with at most one "::", and no other byte; or such groups, then a colon
// and a dotted-quad IPv4 address that ends the run ("::ffff:1.2.3.4"). It
// reads 3 bytes before p and 64 from p. The low byte of st says what it
// decided (v6Fallback, v6Reject or v6Accept); for an address, written to
// ip, the next byte is its number of explicit groups (the IPv4 address
// counting two), bit 16 tells whether it ends with "::" and bit 17 whether
// it ends with an IPv4 address. tab is quadShuffles.
TEXT ·v6AVX(SB), NOSPLIT, $0-36
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ ip+16(FP), DI
	MOVL $0, st+32(FP) // v6Fallback
	CMPQ CX, $1
	JLT  done
	CMPQ CX, $63
	JGT  done

	XORL AX, AX  // hex digits
	XORL DX, DX  // colons
	XORL R14, R14 // dots
	VMOVDQU (SI), Y0
	HEXCOLON(0)
	VMOVDQU 32(SI), Y0
	HEXCOLON(32)
	VZEROUPPER

	// Only the run's bytes (R8: its mask), all hex digits, colons or dots.
	MOVQ $1, R8
	SHLQ CX, R8
	DECQ R8
	ANDQ R8, AX
	ANDQ R8, DX
	ANDQ R8, R14
	MOVQ AX, R9
	ORQ  DX, R9
	ORQ  R14, R9
	CMPQ R9, R8
	JNE  done
	TESTQ R14, R14
	JNZ  embedded

pairs:
	// At most one "::" (R10: the first colon of each pair), no ":::", and
	// no single colon at either end (a run before an IPv4 address ends
	// with a colon: st is not 0 then).
	MOVQ DX, R10
	SHRQ $1, R10
	ANDQ DX, R10
	LEAQ -1(R10), R11
	TESTQ R11, R10
	JNZ  done
	MOVL DX, R11
	ANDL $3, R11
	CMPL R11, $1
	JEQ  done
	MOVL st+32(FP), R11
	TESTL R11, R11
	JNZ  ends
	LEAQ -1(CX), R11
	BTQ  R11, DX
	JCC  ends
	LEAQ -2(CX), R11
	BTQ  R11, DX
	JCC  done

ends:
	// A group of five digits or more: parseV6 rejects it, or v6Tail does
	// when it comes after the eighth.
	MOVQ AX, R11
	SHRQ $1, R11
	ANDQ AX, R11
	MOVQ R11, R12
	SHRQ $2, R12
	ANDQ R12, R11 // four digits in a row
	MOVQ R11, R12
	SHRQ $1, R12
	ANDQ R12, R11 // five
	TESTQ R11, R11
	JNZ  reject

	// Groups: R12 their last digits, R13 their first, BX how many; R11
	// how many with an IPv4 address's two.
	MOVQ AX, R12
	SHRQ $1, R12
	NOTQ R12
	ANDQ AX, R12
	MOVQ AX, R13
	SHLQ $1, R13
	NOTQ R13
	ANDQ AX, R13
	POPCNTQ R12, BX
	MOVL st+32(FP), R11
	SHRL $16, R11
	ADDQ BX, R11

	// Without "::" an address has eight groups. With it, at most seven:
	// parseV6 rejects more (or v6Tail does, when "::" follows the eighth).
	// R14: the groups before "::", all of them without one.
	MOVQ BX, R14
	TESTQ R10, R10
	JZ   nopair
	CMPQ R11, $7
	JGT  reject
	MOVQ R10, R14
	DECQ R14
	ANDQ R12, R14
	POPCNTQ R14, R14
	JMP  read

nopair:
	CMPQ R11, $8
	JNE  reject

read:
	// Each group, right-aligned in the 4 bytes that end with its last
	// digit, to its 16-bit slot: j before "::", j+8-groups after it.
	VPXOR X0, X0, X0
	VMOVDQU X0, (DI)
	MOVQ R11, R8
	NEGQ R8
	ADDQ $8, R8 // 8-groups: the groups "::" stands for
	XORL R9, R9 // j
	TESTQ BX, BX
	JZ   fin

group:
	TZCNTQ R12, R11 // last digit
	LEAQ -1(R12), AX
	ANDQ AX, R12
	TZCNTQ R13, DX  // first digit
	LEAQ -1(R13), AX
	ANDQ AX, R13
	MOVL -3(SI)(R11*1), AX // the 4 bytes that end with the last digit
	SUBQ R11, DX
	LEAL 24(DX*8), CX       // 8 * (4 - length): the bytes before the group
	MOVL $-1, DX
	SHLL CX, DX
	// Digit values: the low nibble, plus 9 for a letter (bit 6 set).
	MOVL AX, CX
	SHRL $6, CX
	ANDL $0x01010101, CX
	LEAL (CX)(CX*8), CX
	ANDL $0x0f0f0f0f, AX
	ADDL CX, AX
	ANDL DX, AX
	// Four digits d0..d3 (d3 last) to d0<<12 | d1<<8 | d2<<4 | d3.
	MOVL AX, CX
	ANDL $0x00ff00ff, CX
	SHLL $4, CX
	SHRL $8, AX
	ANDL $0x00ff00ff, AX
	ORL  CX, AX
	MOVL AX, CX
	SHRL $16, CX
	SHLL $8, AX
	ORL  CX, AX
	ROLW $8, AX // big-endian
	// Its slot.
	LEAQ (R9)(R8*1), CX
	CMPQ R9, R14
	CMOVQLT R9, CX
	MOVW AX, (DI)(CX*2)
	INCQ R9
	CMPQ R9, BX
	JLT  group

fin:
	// st: v6Accept, the groups, whether "::" ends the run or an IPv4
	// address does (then in the last 4 bytes of ip).
	MOVL st+32(FP), R9
	MOVQ $8, BX
	SUBQ R8, BX
	SHLQ $8, BX
	ORQ  $2, BX
	TESTL R9, R9
	JNZ  fin4
	MOVQ n+8(FP), CX
	SUBQ $2, CX
	BTQ  CX, R10
	JCC  accept
	ORQ  $0x10000, BX

accept:
	MOVL BX, st+32(FP)
	RET

fin4:
	MOVQ X12, AX
	BSWAPL AX
	MOVL AX, 12(DI)
	ORQ  R9, BX
	MOVL BX, st+32(FP)
	RET

embedded:
	// A dotted quad after the last colon that takes the rest of the run,
	// read by QUAD from its 16 bytes (within the 64 from p): R12 where it
	// starts.
	MOVL $0x20000, st+32(FP) // still v6Fallback, but the run before the quad is checked as one
	BSRQ DX, R12
	JZ   done
	INCQ R12
	CMPQ R12, $48
	JA   done
	MOVQ $1, R9
	MOVQ R12, CX
	SHLQ CX, R9
	DECQ R9
	TESTQ R9, R14
	JNZ  done // a dot before it
	ANDQ R9, AX
	MOVQ AX, X8
	MOVQ DX, X9
	MOVQ R12, X10
	MOVQ n+8(FP), CX
	SUBQ R12, CX
	MOVQ CX, X11
	MOVQ tab+24(FP), DI
	VMOVDQU (SI)(R12*1), X0
	QUADMASKS
	QUAD
	TESTL R14, R14
	JNZ  done
	MOVQ X11, CX
	CMPQ R11, CX
	JNE  done
	MOVQ AX, X12
	// The run before the quad, as a run of its own.
	MOVQ X8, AX
	MOVQ X9, DX
	MOVQ X10, CX
	MOVQ ip+16(FP), DI
	JMP  pairs

reject:
	MOVL $1, st+32(FP)

done:
	RET
