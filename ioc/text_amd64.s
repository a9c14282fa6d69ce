#include "textflag.h"

// func specialAVX2(b []byte) int
//
// special (text.go) with AVX2: 64 bytes per step.
TEXT ·specialAVX2(SB), NOSPLIT, $0-32
	MOVQ b_base+0(FP), SI
	MOVQ b_len+8(FP), CX
	XORQ AX, AX
	VPXOR Y7, Y7, Y7

loop:
	LEAQ 64(AX), DX
	CMPQ DX, CX
	JA   tail
	VMOVDQU (SI)(AX*1), Y0
	VMOVDQU 32(SI)(AX*1), Y1
	VPCMPEQB Y7, Y0, Y2 // NUL bytes
	VPCMPEQB Y7, Y1, Y3
	VPOR Y0, Y2, Y2     // high bit: NUL or >= 0x80
	VPOR Y1, Y3, Y3
	VPOR Y2, Y3, Y4
	VPMOVMSKB Y4, BX
	TESTL BX, BX
	JNZ  found
	MOVQ DX, AX
	JMP  loop

found:
	VPMOVMSKB Y2, BX
	VPMOVMSKB Y3, DX
	SHLQ $32, DX
	ORQ  DX, BX
	TZCNTQ BX, BX
	ADDQ BX, AX
	VZEROUPPER
	MOVQ AX, ret+24(FP)
	RET

tail:
	VZEROUPPER

tailloop:
	CMPQ AX, CX
	JAE  done
	MOVBLZX (SI)(AX*1), BX
	TESTB BL, BL
	JZ   done
	CMPB BL, $0x80
	JAE  done
	INCQ AX
	JMP  tailloop

done:
	MOVQ AX, ret+24(FP)
	RET
