#include "textflag.h"

// A 32-byte constant: a 16-byte pattern twice.
#define CONST16(off, lo, hi) \
	DATA consts<>+(off)(SB)/8, $lo; DATA consts<>+(off+8)(SB)/8, $hi; \
	DATA consts<>+(off+16)(SB)/8, $lo; DATA consts<>+(off+24)(SB)/8, $hi

// Class bits of a byte, looked up by low nibble and by high nibble (a byte
// has a class when both tables have its bit): 7 digit, 6 hex letter, 5 '.',
// 4 ':', 3 '[' '{', 2 '(', 1 'd' 'D', 0 0xE3 0xEF 0xC3 0xCF.
CONST16(0x00, 0x80C0C0C2C1C0C080, 0x0120000008108084) // by low nibble
CONST16(0x20, 0x0842084290240000, 0x0001000100000000) // by high nibble
CONST16(0x40, 0x0F0F0F0F0F0F0F0F, 0x0F0F0F0F0F0F0F0F) // nibble mask
CONST16(0x60, 0x4040404040404040, 0x4040404040404040) // bit 6 or 7 set: saturates bit 7
CONST16(0x80, 0x0706050403020100, 0x0C0B0A0908070605) // frames: bytes 0-7 and 5-12
CONST16(0xA0, 0x0B0A090504030201, 0x8080808080800D0C) // decided bytes 1-5 of each frame
GLOBL consts<>(SB), RODATA|NOPTR, $0xC0

// The stack frame holds one plane (mask array) per class: 8 bytes for the
// left neighbour (only its top bit is read), then the blocks, then slack.
#define P1 272
#define P2 544
#define P3 816
#define P4 1088
#define P5 1360

// PLANE stores the class whose bit is at the top of the bytes of Y2 (low
// half of a block) and Y3 (high half) at off(DI).
#define PLANE(off) \
	VPMOVMSKB Y2, AX; MOVL AX, off(DI); VPMOVMSKB Y3, BX; MOVL BX, off+4(DI)

// BLOCK classifies the 64 bytes at in(SI) and stores their planes at
// out(DI) (hex digits: the saturating add sets bit 7 for bit 6 or 7),
// out+P1(DI) ('.'), out+P2(DI) (':'), out+P3(DI) ('d' 'D'), out+P4(DI)
// ('[' '{' or '(') and out+P5(DI) (lead bytes). Uses Y0-Y3, AX, BX.
#define BLOCK(in, out) \
	VMOVDQU in(SI), Y0; VMOVDQU in+32(SI), Y1; \
	VPSRLW $4, Y0, Y2; VPSRLW $4, Y1, Y3; \
	VPAND Y15, Y0, Y0; VPAND Y15, Y1, Y1; VPAND Y15, Y2, Y2; VPAND Y15, Y3, Y3; \
	VPSHUFB Y0, Y14, Y0; VPSHUFB Y1, Y14, Y1; VPSHUFB Y2, Y13, Y2; VPSHUFB Y3, Y13, Y3; \
	VPAND Y2, Y0, Y0; VPAND Y3, Y1, Y1; \
	VPADDUSB Y12, Y0, Y2; VPADDUSB Y12, Y1, Y3; PLANE(out); \
	VPSLLW $2, Y0, Y2; VPSLLW $2, Y1, Y3; PLANE(out+P1); \
	VPSLLW $3, Y0, Y2; VPSLLW $3, Y1, Y3; PLANE(out+P2); \
	VPSLLW $6, Y0, Y2; VPSLLW $6, Y1, Y3; PLANE(out+P3); \
	VPSLLW $4, Y0, Y2; VPSLLW $4, Y1, Y3; \
	VPADDUSB Y12, Y2, Y2; VPADDUSB Y12, Y3, Y3; PLANE(out+P4); \
	VPSLLW $7, Y0, Y2; VPSLLW $7, Y1, Y3; PLANE(out+P5)

// FRAMES loads the four frames of a plane at off(BX) into Y.
#define FRAMES(off, Y, X) \
	VMOVDQU off(BX), X; VINSERTI128 $1, off+10(BX), Y, Y; VPSHUFB Y11, Y, Y

// ZEROS sets bits sh to sh+3 of DX for the blocks of ev at off(R8) that
// have no events. Uses Y0, AX.
#define ZEROS(off, sh) \
	VPCMPEQQ off(R8), Y9, Y0; VMOVMSKPD Y0, AX; SHLQ $sh, AX; ORQ AX, DX

// SMEAR keeps the bits of Y that have another set bit 2..sh+2 places above,
// where sh is 1 (dotted quads, 2..4) or 2 (colons, 2..5). Uses Y1, Y2.
#define SMEAR(Y, sh) \
	VPSRLQ $1, Y, Y1; VPOR Y, Y1, Y1; VPSRLQ $sh, Y1, Y2; VPOR Y1, Y2, Y2; \
	VPSRLQ $2, Y2, Y2; VPAND Y2, Y, Y

// func eventsChunk(b []byte, q, n, lo int, ev, run *[chunkCap]uint64) (nz uint64)
//
// eventsChunkGo (events.go) with AVX2. Blocks q to q+64*(n+1) must lie
// inside b (the last one is look-ahead), and 1 <= n <= chunkBlocks;
// otherwise it reads nothing and returns 0.
//
// Pass 1 classifies the n+1 blocks into the planes. Pass 2 decides the
// events 40 bytes at a time: a frame is the 64 plane bits that start one
// byte before the 40 (the left neighbour) and reach 16 bytes after them
// (the longest chain), four frames in the four lanes of a Y register.
TEXT ·eventsChunk(SB), 0, $1632-72
	MOVQ b_base+0(FP), SI
	MOVQ q+24(FP), DX
	MOVQ n+32(FP), CX

	// Outside the contract: no blocks, and nothing read.
	CMPQ  CX, $1
	JLT   outside
	CMPQ  CX, $30
	JGT   outside
	TESTQ DX, DX
	JLT   outside
	LEAQ  1(CX), AX
	SHLQ  $6, AX
	ADDQ  DX, AX
	CMPQ  AX, b_len+8(FP)
	JGT   outside

	XORL  R10, R10
	XORL  R11, R11
	TESTQ DX, DX
	JZ    noleft
	CMPQ  DX, lo+40(FP)
	JLE   noleft
	MOVBLZX -1(SI)(DX*1), AX
	LEAQ ·class7(SB), BX
	MOVBLZX (BX)(AX*1), AX
	MOVQ AX, R10
	SHRQ $2, R10 // kHex
	SHLQ $63, R10
	MOVQ AX, R11
	SHRQ $1, R11 // kCol
	SHLQ $63, R11

noleft:
	MOVQ R10, 0(SP)
	MOVQ $0, P1(SP)
	MOVQ R11, P2(SP)
	MOVQ $0, P3(SP)
	MOVQ $0, P4(SP)
	MOVQ $0, P5(SP)
	ADDQ DX, SI
	INCQ CX
	LEAQ 8(SP), DI
	VMOVDQU consts<>+0x00(SB), Y14
	VMOVDQU consts<>+0x20(SB), Y13
	VMOVDQU consts<>+0x40(SB), Y15
	VMOVDQU consts<>+0x60(SB), Y12

	// Two blocks per iteration, then the odd one.
	SUBQ $2, CX
	JLT  pass1tail

pass1:
	BLOCK(0, 0)
	BLOCK(64, 8)
	ADDQ $128, SI
	ADDQ $16, DI
	SUBQ $2, CX
	JGE  pass1

pass1tail:
	CMPQ CX, $-1
	JNE  pass1done
	BLOCK(0, 0)

pass1done:
	// 5 plane bytes (40 input bytes) per frame, 20 per iteration:
	// (8n+19)/20 iterations, (8n+19)*205>>12 for n <= 30.
	MOVQ  n+32(FP), CX
	LEAQ  19(CX*8), CX
	IMULQ $205, CX
	SHRQ  $12, CX
	MOVQ  ev+48(FP), R8
	MOVQ  run+56(FP), R9
	LEAQ  7(SP), BX
	VMOVDQU consts<>+0x80(SB), Y11
	VMOVDQU consts<>+0xA0(SB), Y10

pass2:
	FRAMES(0, Y0, X0)   // hex
	FRAMES(P1, Y4, X4)  // '.'
	FRAMES(P2, Y5, X5)  // ':'
	FRAMES(P3, Y3, X3)  // 'd'
	VPSLLQ $1, Y0, Y6   // hex before
	VPSRLQ $1, Y0, Y7
	VPAND  Y6, Y7, Y7   // hex on both sides
	VPOR   Y4, Y0, Y0
	VPOR   Y5, Y0, Y0   // run
	VPAND  Y7, Y4, Y8   // '.' between hex
	VPAND  Y7, Y5, Y9   // ':' between hex
	VPOR   Y4, Y3, Y3
	VPOR   Y5, Y3, Y3   // '.' ':' 'd'

	// hex, bracket, then '.' ':' or 'd': 1[.]2, 1(dot)2, 2001[:]db8.
	FRAMES(P4, Y4, X4)
	VPSRLQ $1, Y3, Y3
	VPAND  Y6, Y3, Y3
	VPAND  Y4, Y3, Y3

	// Full-width lead bytes.
	FRAMES(P5, Y4, X4)
	VPOR Y4, Y3, Y3

	// The first ':' of "::".
	VPSRLQ $1, Y5, Y1
	VPAND  Y5, Y1, Y1
	VPSLLQ $1, Y5, Y5
	VPANDN Y1, Y5, Y1
	VPOR   Y1, Y3, Y3

	// Dotted quads: three '.' 2-4 bytes apart.
	SMEAR(Y8, 1)
	SMEAR(Y8, 1)
	VPOR Y8, Y3, Y3

	// Colon runs: four ':' 2-5 bytes apart (times have three at most).
	SMEAR(Y9, 2)
	SMEAR(Y9, 2)
	SMEAR(Y9, 2)
	VPOR Y9, Y3, Y3

	VPSHUFB      Y10, Y3, Y3
	VMOVDQU      X3, (R8)
	VEXTRACTI128 $1, Y3, 10(R8)
	VPSHUFB      Y10, Y0, Y0
	VMOVDQU      X0, (R9)
	VEXTRACTI128 $1, Y0, 10(R9)

	ADDQ $20, BX
	ADDQ $20, R8
	ADDQ $20, R9
	DECQ CX
	JNZ  pass2

	// The blocks with events: 4 at a time, bit set for none.
	MOVQ    ev+48(FP), R8
	VPXOR   Y9, Y9, Y9
	XORL    DX, DX
	ZEROS(0, 0)
	ZEROS(32, 4)
	ZEROS(64, 8)
	ZEROS(96, 12)
	ZEROS(128, 16)
	ZEROS(160, 20)
	ZEROS(192, 24)
	ZEROS(224, 28)
	NOTQ    DX
	MOVQ    n+32(FP), CX
	MOVQ    $1, AX
	SHLQ    CX, AX
	DECQ    AX
	ANDQ    AX, DX
	MOVQ    DX, nz+64(FP)
	VZEROUPPER
	RET

outside:
	MOVQ $0, nz+64(FP)
	RET

// func hasAVX2() bool
TEXT ·hasAVX2(SB), NOSPLIT, $0-1
	XORL AX, AX
	XORL CX, CX
	CPUID
	CMPL AX, $7 // the highest leaf must reach the extended features
	JB   no
	MOVL $1, AX
	XORL CX, CX
	CPUID
	ANDL $0x18800000, CX // OSXSAVE, AVX and POPCNT
	CMPL CX, $0x18800000
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
