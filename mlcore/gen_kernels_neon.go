//go:build ignore

// This half of gen_kernels writes kernels_arm64.s and kernels_gen_arm64.go:
// the NEON (ASIMD) micro-kernels of the same two products as on amd64, the
// gather of a mini-batch and the prefetch of the next one.
//
// A NEON register holds 4 float32 lanes and there are 32 of them, so a tile
// is at most 6 rows by 4 vectors: 24 accumulators, 4 operand vectors, one
// broadcast, and a scratch or the step size. Go's assembler has no vector
// FCMGT, so the ReLU and the ReLU-mask are encoded as WORDs (fcmgtZero);
// everything else is in its own mnemonics.

package main

import (
	"bytes"
	"fmt"
	"strings"
)

// Tile limits of the NEON kernels (see the file comment).
const (
	lanesMRN = 6 // lanes kernel: 6×4 accumulators + 4 + broadcast + scratch = 30 registers
	lanesNVN = 4 // lanes kernel: vectors per tile, 16 lanes = laneQuantum
	updMRN   = 6 // update kernel: 6×4 accumulators + 4 + broadcast + alpha = 30 registers
	updNVN   = 4 // update kernel: most vectors of 4 columns
)

// Vector registers of the NEON kernels: accumulators from V0, the operand
// vectors from V24, then the broadcast, a scratch and the step size.
const (
	nOp    = 24
	nBcast = 28
	nTmp   = 29
	nAlpha = 30
)

func vreg(n int) string { return fmt.Sprintf("V%d.S4", n) }

// vlist is the register list of n consecutive vectors from first.
func vlist(first, n int) string {
	r := make([]string, n)
	for i := range r {
		r[i] = vreg(first + i)
	}
	return "[" + strings.Join(r, ", ") + "]"
}

// rowReg is the general register that walks row r of a tile's strided
// operand: R11-R16.
func rowReg(r int) string { return fmt.Sprintf("R%d", 11+r) }

// fcmgtZero writes FCMGT Vd.4S, Vn.4S, #0.0 (lanes of Vn > 0 become all
// ones, the others, NaN included, zero), which Go's assembler lacks.
func fcmgtZero(d, n int) {
	p("\tWORD $0x%08x // FCMGT V%d.4S, V%d.4S, #0.0", 0x4ea0c800|n<<5|d, d, n)
}

// neonZero clears vector register n.
func neonZero(n int) { p("\tVEOR V%d.B16, V%d.B16, V%d.B16", n, n, n) }

// neonRows points the row registers at the mr rows of the tile at R0, R1
// bytes apart.
func neonRows(mr int) {
	p("\tMOVD R0, %s", rowReg(0))
	for r := 1; r < mr; r++ {
		p("\tADD R1, %s, %s", rowReg(r-1), rowReg(r))
	}
}

// neonSteps writes the loop body shared by both products: load nv operand
// vectors from R17 (then step it by R4), and for each of the mr rows
// broadcast its next element (stepping the row by R2) and multiply-add.
func neonSteps(mr, nv int) {
	p("\tVLD1.P (R17)(R4), %s", vlist(nOp, nv))
	for r := 0; r < mr; r++ {
		p("\tVLD1R.P (%s)(R2), [%s]", rowReg(r), vreg(nBcast))
		for v := 0; v < nv; v++ {
			p("\tVFMLA %s, %s, %s", vreg(nOp+v), vreg(nBcast), vreg(r*nv+v))
		}
	}
}

// neonLanes writes the NEON kernel C[r][lane] = epi(Σ_t P[r*rs+t*cs]
// B[t*ldb+lane]) for tiles of mr rows and nv vectors of lanes; the
// arguments are those of the amd64 kernels.
func neonLanes(mr, nv int) {
	acc := func(r, v int) int { return r*nv + v }
	name := fmt.Sprintf("lanesN%dx%d", mr, nv)
	p("// func %s(p *float32, rs, cs int, b *float32, ldb, t int, c *float32, ldc int, m *float32, ntiles, mode int)", name)
	p("TEXT ·%s(SB), NOSPLIT, $0-88", name)
	p("\tMOVD p+0(FP), R0")
	p("\tMOVD rs+8(FP), R1")
	p("\tLSL $2, R1")
	p("\tMOVD cs+16(FP), R2")
	p("\tLSL $2, R2")
	p("\tMOVD b+24(FP), R3")
	p("\tMOVD ldb+32(FP), R4")
	p("\tLSL $2, R4")
	p("\tMOVD t+40(FP), R5")
	p("\tMOVD c+48(FP), R6")
	p("\tMOVD ldc+56(FP), R7")
	p("\tLSL $2, R7")
	p("\tMOVD m+64(FP), R8")
	p("\tMOVD ntiles+72(FP), R9")
	p("\tMOVD mode+80(FP), R10")
	p("\tMOVD $%d, R22", mr)
	p("\tMUL R22, R1, R23") // bytes from one tile's P to the next
	p("\tMUL R22, R7, R22") // bytes from one tile's C (and M) to the next
	p("tile:")
	for r := 0; r < mr; r++ {
		for v := 0; v < nv; v++ {
			neonZero(acc(r, v))
		}
	}
	neonRows(mr)
	p("\tMOVD R3, R17")
	p("\tMOVD R5, R19")
	p("\tCBZ R19, epi")
	p("loop:")
	neonSteps(mr, nv)
	p("\tSUBS $1, R19")
	p("\tBNE loop")
	p("epi:")
	p("\tMOVD R6, R20")
	p("\tMOVD R8, R21")
	p("\tCMP $1, R10")
	p("\tBEQ relu")
	p("\tBGT mask")
	for r := 0; r < mr; r++ {
		p("\tVST1.P %s, (R20)(R7)", vlist(acc(r, 0), nv))
	}
	p("\tB next")
	p("relu:")
	for r := 0; r < mr; r++ {
		for v := 0; v < nv; v++ {
			fcmgtZero(nTmp, acc(r, v))
			p("\tVAND V%d.B16, V%d.B16, V%d.B16", nTmp, acc(r, v), acc(r, v))
		}
		p("\tVST1.P %s, (R20)(R7)", vlist(acc(r, 0), nv))
	}
	p("\tB next")
	p("mask:")
	for r := 0; r < mr; r++ {
		p("\tVLD1.P (R21)(R7), %s", vlist(nOp, nv))
		for v := 0; v < nv; v++ {
			fcmgtZero(nOp+v, nOp+v)
			p("\tVAND V%d.B16, V%d.B16, V%d.B16", nOp+v, acc(r, v), acc(r, v))
		}
		p("\tVST1.P %s, (R20)(R7)", vlist(acc(r, 0), nv))
	}
	p("next:")
	p("\tADD R22, R6")
	p("\tADD R22, R8")
	p("\tADD R23, R0")
	p("\tSUBS $1, R9")
	p("\tBNE tile")
	p("\tRET")
	p("")
}

// neonUpd writes the NEON kernel W[r][j] += alpha Σ_t P[r*rs+t*cs]
// D[t*ldd+j] for tiles of mr rows and nv whole vectors of columns (NEON
// has no masked loads: the caller does the last cols%4 columns).
func neonUpd(mr, nv int) {
	acc := func(r, v int) int { return r*nv + v }
	name := fmt.Sprintf("updN%dx%d", mr, nv)
	p("// func %s(w *float32, ldw int, p *float32, rs, cs int, d *float32, ldd, t, ntiles int, alpha *float32)", name)
	p("TEXT ·%s(SB), NOSPLIT, $0-80", name)
	p("\tMOVD w+0(FP), R6")
	p("\tMOVD ldw+8(FP), R7")
	p("\tLSL $2, R7")
	p("\tMOVD p+16(FP), R0")
	p("\tMOVD rs+24(FP), R1")
	p("\tLSL $2, R1")
	p("\tMOVD cs+32(FP), R2")
	p("\tLSL $2, R2")
	p("\tMOVD d+40(FP), R3")
	p("\tMOVD ldd+48(FP), R4")
	p("\tLSL $2, R4")
	p("\tMOVD t+56(FP), R5")
	p("\tMOVD ntiles+64(FP), R9")
	p("\tMOVD alpha+72(FP), R10")
	p("\tVLD1R (R10), [%s]", vreg(nAlpha))
	p("\tMOVD $%d, R22", mr)
	p("\tMUL R22, R1, R23")
	p("tile:")
	for r := 0; r < mr; r++ {
		for v := 0; v < nv; v++ {
			neonZero(acc(r, v))
		}
	}
	neonRows(mr)
	p("\tMOVD R3, R17")
	p("\tMOVD R5, R19")
	p("\tCBZ R19, epi")
	p("loop:")
	neonSteps(mr, nv)
	p("\tSUBS $1, R19")
	p("\tBNE loop")
	p("epi:")
	for r := 0; r < mr; r++ {
		p("\tVLD1 (R6), %s", vlist(nOp, nv))
		for v := 0; v < nv; v++ {
			p("\tVFMLA %s, %s, %s", vreg(nAlpha), vreg(acc(r, v)), vreg(nOp+v))
		}
		p("\tVST1.P %s, (R6)(R7)", vlist(nOp, nv))
	}
	p("\tADD R23, R0")
	p("\tSUBS $1, R9")
	p("\tBNE tile")
	p("\tRET")
	p("")
}

// neonGather writes gatherN: for r < rows, the 16 lanes of
// dst[r*dstStep:] are src[r*srcStep+offs[l]] ANDed with the lane masks
// mask[l] (all ones or zero). NEON has no gather: each lane is a load of
// its own, R0-R15 walking the 16 sources.
func neonGather() {
	p("// func gatherN(dst *float32, dstStep int, src *float32, srcStep int, offs *int32, rows int, mask *int32)")
	p("TEXT ·gatherN(SB), NOSPLIT, $0-56")
	p("\tMOVD src+16(FP), R21")
	p("\tMOVD offs+32(FP), R22")
	for l := 0; l < 16; l++ {
		p("\tMOVWU %d(R22), R%d", 4*l, l)
		p("\tADD R%d<<2, R21, R%d", l, l)
	}
	p("\tMOVD mask+48(FP), R23")
	p("\tVLD1 (R23), %s", vlist(4, 4))
	p("\tMOVD dst+0(FP), R16")
	p("\tMOVD dstStep+8(FP), R17")
	p("\tLSL $2, R17")
	p("\tMOVD srcStep+24(FP), R19")
	p("\tLSL $2, R19")
	p("\tMOVD rows+40(FP), R20")
	p("\tCBZ R20, done")
	p("row:")
	for l := 0; l < 16; l++ {
		p("\tVLD1.P (R%d)(R19), V%d.S[%d]", l, l/4, l%4)
	}
	for v := 0; v < 4; v++ {
		p("\tVAND V%d.B16, V%d.B16, V%d.B16", 4+v, v, v)
	}
	p("\tVST1.P %s, (R16)(R17)", vlist(0, 4))
	p("\tSUBS $1, R20")
	p("\tBNE row")
	p("done:")
	p("\tRET")
	p("")
}

// neonPrefetch writes prefetchRows, the arm64 twin of the hand-written
// amd64 one: it touches each 64-byte line of rows[i]'s dim floats from base
// for i < n. Prefetches never fault.
func neonPrefetch() {
	p("// func prefetchRows(base *float32, rows *int, n, dim int)")
	p("TEXT ·prefetchRows(SB), NOSPLIT, $0-32")
	p("\tMOVD base+0(FP), R0")
	p("\tMOVD rows+8(FP), R1")
	p("\tMOVD n+16(FP), R2")
	p("\tMOVD dim+24(FP), R3")
	p("\tLSL $2, R3")
	p("\tCBZ R2, done")
	p("row:")
	p("\tMOVD.P 8(R1), R4")
	p("\tMUL R3, R4, R4")
	p("\tADD R0, R4, R5")
	p("\tADD R3, R5, R6")
	p("line:")
	p("\tPRFM (R5), PLDL1KEEP")
	p("\tADD $64, R5")
	p("\tCMP R6, R5")
	p("\tBLO line")
	p("\tSUBS $1, R2")
	p("\tBNE row")
	p("done:")
	p("\tRET")
	p("")
}

// arm64 generates kernels_arm64.s and kernels_gen_arm64.go.
func arm64() (asm, src []byte) {
	asmHeader("!purego")
	var f goFile
	f.tile("lanesMRN", lanesMRN, "NEON lanes kernel: rows per tile")
	f.tile("lanesNVN", lanesNVN, "NEON lanes kernel: vectors of 4 lanes per tile")
	f.tile("updMRN", updMRN, "NEON update kernel: rows per tile")
	f.tile("updNVN", updNVN, "NEON update kernel: most vectors of 4 columns")
	const lsig = "(p *float32, rs, cs int, b *float32, ldb, t int, c *float32, ldc int, m *float32, ntiles, mode int)"
	const usig = "(w *float32, ldw int, p *float32, rs, cs int, d *float32, ldd, t, ntiles int, alpha *float32)"
	for mr := 1; mr <= lanesMRN; mr++ {
		neonLanes(mr, lanesNVN)
		f.decl(fmt.Sprintf("lanesN%dx%d", mr, lanesNVN), lsig)
	}
	for nv := 1; nv <= updNVN; nv++ {
		for mr := 1; mr <= updMRN; mr++ {
			neonUpd(mr, nv)
			f.decl(fmt.Sprintf("updN%dx%d", mr, nv), usig)
		}
	}
	neonGather()
	f.decl("gatherN", "(dst *float32, dstStep int, src *float32, srcStep int, offs *int32, rows int, mask *int32)")
	neonPrefetch()
	f.decl("prefetchRows", "(base *float32, rows *int, n, dim int)")
	f.dispatch("lanesN", lsig[1:len(lsig)-1], "p, rs, cs, b, ldb, t, c, ldc, m, ntiles, mode", []int{lanesNVN}, lanesMRN, "lanes")
	f.dispatch("updN", usig[1:len(usig)-1], "w, ldw, p, rs, cs, d, ldd, t, ntiles, alpha", upTo(updNVN), updMRN, "update")
	return bytes.Clone(s.Bytes()), f.source("!purego")
}
