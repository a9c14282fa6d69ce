#include "textflag.h"

// A 16-byte constant: one byte, or one 32-bit word, repeated.
#define BYTES16(name, x) \
	DATA name<>+0(SB)/8, $x; DATA name<>+8(SB)/8, $x; GLOBL name<>(SB), RODATA|NOPTR, $16

BYTES16(zero30, 0x3030303030303030) // '0'
BYTES16(nine, 0x0909090909090909)
BYTES16(dots, 0x2e2e2e2e2e2e2e2e)
BYTES16(lower, 0x2020202020202020)
BYTES16(lowa, 0x6161616161616161) // 'a'
BYTES16(five, 0x0505050505050505)
BYTES16(weights, 0x00010a6400010a64) // 100, 10, 1, 0 per octet slot
BYTES16(ones16, 0x0001000100010001)
BYTES16(max255, 0x000000ff000000ff)
DATA pick<>+0(SB)/8, $0x808080800004080c // octet slots 3, 2, 1, 0 to bytes 0-3
DATA pick<>+8(SB)/8, $0x8080808080808080
GLOBL pick<>(SB), RODATA|NOPTR, $16

// func quadAVX(p *byte, n int, tab *[81][16]byte) (addr uint32, end int, ok bool)
//
// quad16 (quad16.go) with 16-byte vectors. It finds the octets' ends from
// the digit mask as quad16 does, checks their lengths (one to three digits)
// all at once, and then moves each octet's digits into a 4-byte slot of
// their own with a shuffle chosen by the lengths (tab, see quadShuffles),
// where two multiply-adds weigh them.
TEXT ·quadAVX(SB), NOSPLIT, $0-41
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ tab+16(FP), DI

	VMOVDQU (SI), X0
	VPSUBB  zero30<>(SB), X0, X1 // digit values (and others)
	VPMINUB nine<>(SB), X1, X2
	VPCMPEQB X1, X2, X2          // digits
	VPMOVMSKB X2, AX
	VPCMPEQB dots<>(SB), X0, X3
	VPMOVMSKB X3, BX             // dots
	VPOR    lower<>(SB), X0, X4
	VPSUBB  lowa<>(SB), X4, X4
	VPMINUB five<>(SB), X4, X5
	VPCMPEQB X4, X5, X5          // hex letters
	VPMOVMSKB X5, DX

	// valid: the first n bytes (all 16 from n = 16 on).
	MOVQ  $16, R8
	CMPQ  CX, R8
	CMOVQGT R8, CX
	MOVL  $1, R8
	SHLL  CX, R8
	DECL  R8
	ANDL  R8, AX
	ANDL  R8, DX                 // letters inside the run
	NOTL  AX                     // stops: bytes that end an octet, from bit 16 on too

	// d1, d2, d3: the first three stops, e the fourth.
	MOVL  AX, R13
	BSFL  AX, R8
	LEAL  -1(AX), R12
	ANDL  R12, AX
	BSFL  AX, R9
	LEAL  -1(AX), R12
	ANDL  R12, AX
	BSFL  AX, R10
	LEAL  -1(AX), R12
	ANDL  R12, AX
	BSFL  AX, R11
	XORL  AX, R13                // the first three stops

	// The octets' lengths, one a byte: each must be 1 to 3.
	MOVL  R8, AX                 // d1
	MOVL  R9, R12
	SUBL  R8, R12
	DECL  R12                    // d2-d1-1
	SHLL  $8, R12
	ORL   R12, AX
	MOVL  R10, R12
	SUBL  R9, R12
	DECL  R12                    // d3-d2-1
	SHLL  $16, R12
	ORL   R12, AX
	MOVL  R11, R12
	SUBL  R10, R12
	DECL  R12                    // e-d3-1
	SHLL  $24, R12
	ORL   R12, AX
	XORL  R14, R14               // bad: nonzero if not an address
	MOVL  AX, R12
	ANDL  $0x04040404, R12       // a length of 4 (or 5-7, 12-15)
	ORL   R12, R14
	SUBL  $0x01010101, AX        // lengths less one: 0 to 2 each
	MOVL  AX, R12
	ANDL  $0xfcfcfcfc, R12       // 8 or more, or 0 (which borrows: 0xff)
	ORL   R12, R14
	IMUL3L $0x1b090301, AX, AX
	SHRL  $24, AX                // the lengths in base 3: the pattern
	XORL  R12, R12
	TESTL R14, R14
	CMOVLNE R12, AX              // pattern 0 if the lengths are wrong, so
	SHLL  $4, AX                 // that the shuffle's load stays in tab

	// The first three stops must be dots, the fourth no hex letter.
	NOTL  BX
	ANDL  BX, R13
	ORL   R13, R14
	BTL   R11, DX
	SETCS R12B
	ORL   R12, R14

	// Each octet's digits into its slot, weighed, and checked.
	VPSHUFB (DI)(AX*1), X1, X1
	VPMADDUBSW weights<>(SB), X1, X1
	VPMADDWD ones16<>(SB), X1, X1
	VPCMPGTD max255<>(SB), X1, X2
	VPMOVMSKB X2, R12
	ORL   R12, R14
	VPSHUFB pick<>(SB), X1, X1
	VMOVD X1, AX

	XORL  R12, R12
	TESTL R14, R14
	CMOVLNE R12, AX
	CMOVQNE R12, R11
	SETEQ R12B
	MOVL  AX, addr+24(FP)
	MOVQ  R11, end+32(FP)
	MOVB  R12B, ok+40(FP)
	RET
