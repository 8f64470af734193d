//go:build !purego

#include "textflag.h"

// func gatherZ(dst *float32, dstStep int, src *float32, srcStep int, offs *int32, rows int, gmask, smask int)
//
// For r < rows: lane l of dst[r*dstStep : r*dstStep+16] = src[r*srcStep + offs[l]]
// for the lanes set in gmask and 0 for the others; only the lanes set in
// smask are stored.
TEXT ·gatherZ(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ dstStep+8(FP), DX
	SHLQ $2, DX
	MOVQ src+16(FP), SI
	MOVQ srcStep+24(FP), CX
	SHLQ $2, CX
	MOVQ offs+32(FP), AX
	VMOVDQU32 (AX), Z31
	MOVQ rows+40(FP), BX
	MOVQ gmask+48(FP), AX
	KMOVW AX, K3
	MOVQ smask+56(FP), AX
	KMOVW AX, K2
	TESTQ BX, BX
	JZ done
loop:
	KMOVW K3, K1
	VPXORD Z0, Z0, Z0
	VGATHERDPS (SI)(Z31*4), K1, Z0
	VMOVUPS Z0, K2, (DI)
	ADDQ DX, DI
	ADDQ CX, SI
	DECQ BX
	JNZ loop
done:
	VZEROUPPER
	RET

// func prefetchRows(base *float32, rows *int, n, dim int)
//
// Prefetches dim floats from base+rows[i]*dim for i < n, one touch per
// 64-byte line, so the next batch's samples are in cache when it starts.
TEXT ·prefetchRows(SB), NOSPLIT, $0-32
	MOVQ base+0(FP), SI
	MOVQ rows+8(FP), BX
	MOVQ n+16(FP), CX
	MOVQ dim+24(FP), DX
	SHLQ $2, DX
	TESTQ CX, CX
	JZ pdone
prow:
	MOVQ (BX), AX
	IMULQ DX, AX
	LEAQ (SI)(AX*1), DI
	LEAQ (DI)(DX*1), R8
pline:
	PREFETCHT0 (DI)
	ADDQ $64, DI
	CMPQ DI, R8
	JLT pline
	ADDQ $8, BX
	DECQ CX
	JNZ prow
pdone:
	RET
