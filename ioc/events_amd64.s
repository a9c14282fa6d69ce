#include "textflag.h"

// Broadcast constants, 32 bytes each.
#define CONST32(off, v) \
	DATA consts<>+(off)(SB)/8, $v; DATA consts<>+(off+8)(SB)/8, $v; \
	DATA consts<>+(off+16)(SB)/8, $v; DATA consts<>+(off+24)(SB)/8, $v

CONST32(0x000, 0x2E2E2E2E2E2E2E2E) // '.'
CONST32(0x020, 0x3A3A3A3A3A3A3A3A) // ':'
CONST32(0x040, 0x3030303030303030) // '0'
CONST32(0x060, 0x0909090909090909) // 9
CONST32(0x080, 0x2020202020202020) // the ASCII case bit
CONST32(0x0A0, 0x6161616161616161) // 'a'
CONST32(0x0C0, 0x0505050505050505) // 5
CONST32(0x0E0, 0x7B7B7B7B7B7B7B7B) // '{', and '[' with the case bit
CONST32(0x100, 0x2828282828282828) // '('
CONST32(0x120, 0x6464646464646464) // 'd'
CONST32(0x140, 0xE3E3E3E3E3E3E3E3) // UTF-8 lead byte of 。【〔
CONST32(0x160, 0xEFEFEFEFEFEFEFEF) // UTF-8 lead byte of full-width forms
GLOBL consts<>(SB), RODATA|NOPTR, $0x180

// HALF classifies the 32 bytes at off(SI) and ORs one 32-bit mask per class,
// shifted left by sh, into R8 '.', R9 ':', R10 hex digit, R11 '[' '(' '{',
// R12 'd' 'D', R13 0xE3 0xEF (and 0xC3 0xCF, which equal them with the case
// bit set). Uses AX, Y0-Y4.
#define HALF(off, sh) \
	VMOVDQU off(SI), Y0; \
	VPCMPEQB Y5, Y0, Y1; VPMOVMSKB Y1, AX; SHLQ $sh, AX; ORQ AX, R8; \
	VPCMPEQB Y6, Y0, Y1; VPMOVMSKB Y1, AX; SHLQ $sh, AX; ORQ AX, R9; \
	VPSUBB Y7, Y0, Y1; VPMINUB Y8, Y1, Y2; VPCMPEQB Y1, Y2, Y2; \
	VPOR Y9, Y0, Y3; \
	VPSUBB Y10, Y3, Y1; VPMINUB Y11, Y1, Y4; VPCMPEQB Y1, Y4, Y4; \
	VPOR Y4, Y2, Y2; VPMOVMSKB Y2, AX; SHLQ $sh, AX; ORQ AX, R10; \
	VPCMPEQB Y12, Y3, Y1; VPCMPEQB Y13, Y0, Y2; VPOR Y2, Y1, Y1; VPMOVMSKB Y1, AX; SHLQ $sh, AX; ORQ AX, R11; \
	VPCMPEQB Y14, Y3, Y1; VPMOVMSKB Y1, AX; SHLQ $sh, AX; ORQ AX, R12; \
	VPCMPEQB Y15, Y3, Y1; VPCMPEQB consts<>+0x160(SB), Y3, Y2; VPOR Y2, Y1, Y1; VPMOVMSKB Y1, AX; SHLQ $sh, AX; ORQ AX, R13

// CHAIN4 keeps the bits of AX that have another set bit 2..4 places above
// them, CHAIN5 2..5 places. Both use BX, DX.
#define CHAIN4 \
	MOVQ AX, BX; SHRQ $2, BX; MOVQ AX, DX; SHRQ $3, DX; ORQ DX, BX; MOVQ AX, DX; SHRQ $4, DX; ORQ DX, BX; ANDQ BX, AX
#define CHAIN5 \
	MOVQ AX, BX; SHRQ $2, BX; MOVQ AX, DX; SHRQ $3, DX; ORQ DX, BX; MOVQ AX, DX; SHRQ $4, DX; ORQ DX, BX; MOVQ AX, DX; SHRQ $5, DX; ORQ DX, BX; ANDQ BX, AX

// func eventsFrom(b []byte, q, end int) (pos int, mask, run uint64)
//
// eventsBlock (events.go) for the blocks at q, q+stride, … before end, with
// AVX2; it returns the first block with events. Every block before end must
// lie inside b.
TEXT ·eventsFrom(SB), NOSPLIT, $0-64
	MOVQ q+24(FP), DI
	VMOVDQU consts<>+0x000(SB), Y5
	VMOVDQU consts<>+0x020(SB), Y6
	VMOVDQU consts<>+0x040(SB), Y7
	VMOVDQU consts<>+0x060(SB), Y8
	VMOVDQU consts<>+0x080(SB), Y9
	VMOVDQU consts<>+0x0A0(SB), Y10
	VMOVDQU consts<>+0x0C0(SB), Y11
	VMOVDQU consts<>+0x0E0(SB), Y12
	VMOVDQU consts<>+0x100(SB), Y13
	VMOVDQU consts<>+0x120(SB), Y14
	VMOVDQU consts<>+0x140(SB), Y15

loop:
	CMPQ DI, end+32(FP)
	JGE none
	MOVQ b_base+0(FP), SI
	ADDQ DI, SI
	XORQ R8, R8
	XORQ R9, R9
	XORQ R10, R10
	XORQ R11, R11
	XORQ R12, R12
	XORQ R13, R13
	HALF(0, 0)
	HALF(32, 32)
	MOVQ R8, CX // run bytes: hex digits, dots and colons
	ORQ R9, CX
	ORQ R10, CX

	// hex, bracket, then '.' ':' or 'd': 1[.]2, 1(dot)2, 2001[:]db8.
	MOVQ R8, AX
	ORQ R9, AX
	ORQ R12, AX
	SHRQ $1, AX
	ANDQ R11, AX
	MOVQ R10, BX
	SHLQ $1, BX
	ANDQ BX, AX
	MOVQ AX, SI

	// The first ':' of "::".
	MOVQ R9, AX
	SHRQ $1, AX
	ANDQ R9, AX
	MOVQ R9, BX
	SHLQ $1, BX
	NOTQ BX
	ANDQ BX, AX
	ORQ AX, SI

	ORQ R13, SI // full-width lead bytes

	// Separators between hex digits.
	MOVQ R10, R11
	SHLQ $1, R11
	SHRQ $1, R10
	ANDQ R10, R11

	// Dotted quads: three '.' 2-4 bytes apart.
	MOVQ R8, AX
	ANDQ R11, AX
	CHAIN4
	CHAIN4
	ORQ AX, SI

	// Colon runs: four ':' 2-5 bytes apart (times have three at most).
	MOVQ R9, AX
	ANDQ R11, AX
	CHAIN5
	CHAIN5
	CHAIN5
	ORQ AX, SI

	MOVQ $0x000FFFFFFFFFFFFE, AX // bytes 1 to stride
	ANDQ AX, SI
	JNZ found
	ADDQ $51, DI
	JMP loop

found:
	VZEROUPPER
	MOVQ DI, pos+40(FP)
	MOVQ SI, mask+48(FP)
	MOVQ CX, run+56(FP)
	RET

none:
	VZEROUPPER
	MOVQ DI, pos+40(FP)
	MOVQ $0, mask+48(FP)
	MOVQ $0, run+56(FP)
	RET

// func hasAVX2() bool
TEXT ·hasAVX2(SB), NOSPLIT, $0-1
	MOVL $1, AX
	XORL CX, CX
	CPUID
	ANDL $0x18000000, CX // OSXSAVE and AVX
	CMPL CX, $0x18000000
	JNE no
	XORL CX, CX
	XGETBV
	ANDL $6, AX // the OS saves XMM and YMM state
	CMPL AX, $6
	JNE no
	MOVL $7, AX
	XORL CX, CX
	CPUID
	BTL $5, BX // AVX2
	JCC no
	MOVB $1, ret+0(FP)
	RET
no:
	MOVB $0, ret+0(FP)
	RET
