#include "textflag.h"

// Byte constants, 32 bytes each.
#define BYTES32(name, x) \
	DATA name<>+0(SB)/8, $x; DATA name<>+8(SB)/8, $x; \
	DATA name<>+16(SB)/8, $x; DATA name<>+24(SB)/8, $x; GLOBL name<>(SB), RODATA|NOPTR, $32

BYTES32(v6zero, 0x3030303030303030) // '0'
BYTES32(v6nine, 0x0909090909090909)
BYTES32(v6colon, 0x3a3a3a3a3a3a3a3a)
BYTES32(v6lower, 0x2020202020202020)
BYTES32(v6a, 0x6161616161616161) // 'a'
BYTES32(v6five, 0x0505050505050505)

// HEXCOLON sets AX's bit for each hex digit and DX's for each ':' in the
// 32 bytes of Y0, from bit sh on. Uses Y1-Y3, BX.
#define HEXCOLON(sh) \
	VPSUBB v6zero<>(SB), Y0, Y1; VPMINUB v6nine<>(SB), Y1, Y2; VPCMPEQB Y1, Y2, Y2; \
	VPOR v6lower<>(SB), Y0, Y1; VPSUBB v6a<>(SB), Y1, Y1; VPMINUB v6five<>(SB), Y1, Y3; \
	VPCMPEQB Y1, Y3, Y3; VPOR Y2, Y3, Y3; \
	VPMOVMSKB Y3, BX; SHLQ $sh, BX; ORQ BX, AX; \
	VPCMPEQB v6colon<>(SB), Y0, Y1; VPMOVMSKB Y1, BX; SHLQ $sh, BX; ORQ BX, DX

// func v6AVX(p *byte, n int, ip *[16]byte) (st uint32)
//
// parseV6 for a run of plain ASCII, p[:n], with 1 <= n < 64, in the most
// common shape: hex groups of one to four digits joined by single colons,
// with at most one "::", and no other byte. It reads 3 bytes before p and
// 64 from p. The low byte of st says what it decided (v6Fallback,
// v6Reject or v6Accept); for an address, written to ip, the next byte is
// its number of explicit groups and bit 16 tells whether it ends with "::".
TEXT ·v6AVX(SB), NOSPLIT, $0-28
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ ip+16(FP), DI
	MOVL $0, st+24(FP) // v6Fallback
	CMPQ CX, $1
	JLT  done
	CMPQ CX, $63
	JGT  done

	XORL AX, AX // hex digits
	XORL DX, DX // colons
	VMOVDQU (SI), Y0
	HEXCOLON(0)
	VMOVDQU 32(SI), Y0
	HEXCOLON(32)
	VZEROUPPER

	// Only the run's bytes (R8: its mask), all hex digits or colons.
	MOVQ $1, R8
	SHLQ CX, R8
	DECQ R8
	ANDQ R8, AX
	ANDQ R8, DX
	MOVQ AX, R9
	ORQ  DX, R9
	CMPQ R9, R8
	JNE  done

	// At most one "::" (R10: the first colon of each pair), no ":::", and
	// no single colon at either end.
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

	// Groups: R12 their last digits, R13 their first, BX how many.
	MOVQ AX, R12
	SHRQ $1, R12
	NOTQ R12
	ANDQ AX, R12
	MOVQ AX, R13
	SHLQ $1, R13
	NOTQ R13
	ANDQ AX, R13
	POPCNTQ R12, BX

	// Without "::" an address has eight groups. With it, at most seven:
	// parseV6 rejects more (or v6Tail does, when "::" follows the eighth).
	// R14: the groups before "::", all of them without one.
	MOVQ BX, R14
	TESTQ R10, R10
	JZ   nopair
	CMPQ BX, $7
	JGT  reject
	MOVQ R10, R14
	DECQ R14
	ANDQ R12, R14
	POPCNTQ R14, R14
	JMP  read

nopair:
	CMPQ BX, $8
	JNE  reject

read:
	// Each group, right-aligned in the 4 bytes that end with its last
	// digit, to its 16-bit slot: j before "::", j+8-groups after it.
	VPXOR X0, X0, X0
	VMOVDQU X0, (DI)
	MOVQ BX, R8
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
	// st: v6Accept, the groups, and whether "::" ends the run.
	MOVQ p+0(FP), SI
	MOVQ n+8(FP), CX
	SHLQ $8, BX
	ORQ  $2, BX
	SUBQ $2, CX
	BTQ  CX, R10
	JCC  accept
	ORQ  $0x10000, BX

accept:
	MOVL BX, st+24(FP)
	RET

reject:
	MOVL $1, st+24(FP)

done:
	RET
