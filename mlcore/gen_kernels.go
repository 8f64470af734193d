//go:build ignore

// gen_kernels writes the assembly micro-kernels of the two matrix products
// mlcore needs, one TEXT symbol per tile shape so that every register is
// fixed at assembly time, with their Go declarations and tile sizes:
// kernels_amd64.s and kernels_gen_amd64.go (AVX-512 and AVX2, this file),
// kernels_arm64.s and kernels_gen_arm64.go (NEON, gen_kernels_neon.go).
// Run it with `go generate` in mlcore/ (on any machine); -o writes the
// files elsewhere, which TestGeneratedKernelsUpToDate uses.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"path/filepath"
)

// Tile limits. The lanes kernel keeps mr×nv accumulators (nv vectors of
// lanes per row) plus nv operand vectors and one broadcast register; the
// update kernel keeps mr×nv accumulators plus nv operand vectors, a
// broadcast, a scratch and the step size.
const (
	lanesMRZ = 14 // AVX-512: 14×2 accumulators + 2 + 1 + zero = 32 registers
	updMRZ   = 6  // AVX-512: 6×4 accumulators + 4 + scratch + bcast + alpha
	updNVZ   = 4
	lanesMRY = 6 // AVX2: 6×2 accumulators + 2 + 1 = 15 registers (+ zero)
	updMRY   = 4 // AVX2: 4×3 accumulators + 3 + 1 = 16 registers
	updNVY   = 3
)

var s bytes.Buffer

func p(format string, args ...any) { fmt.Fprintf(&s, format+"\n", args...) }

// zeroReg clears a vector register: VPXORD reaches the upper 16 ZMM registers, which
// VEX-encoded VXORPS cannot.
func zeroReg(isa, reg string) {
	if isa == "Z" {
		p("\tVPXORD %s, %s, %s", reg, reg, reg)
	} else {
		p("\tVXORPS %s, %s, %s", reg, reg, reg)
	}
}

// bcastAddr returns the address of row r's element in the strided operand:
// rows 0-3 hang off SI, 4-7 off R8, 8-11 off R9, 12-15 off R10, with DX =
// row stride in bytes and R11 = 3×DX.
func bcastAddr(r int) string {
	base := []string{"SI", "R8", "R9", "R10"}[r/4]
	switch r % 4 {
	case 0:
		return "(" + base + ")"
	case 1:
		return "(" + base + ")(DX*1)"
	case 2:
		return "(" + base + ")(DX*2)"
	}
	return "(" + base + ")(R11*1)"
}

func bases(mr int) []string {
	b := []string{"SI", "R8", "R9", "R10"}
	return b[:(mr+3)/4]
}

func setBases(mr int) {
	p("\tMOVQ AX, SI")
	bs := bases(mr)
	for i := 1; i < len(bs); i++ {
		p("\tLEAQ (%s)(DX*4), %s", bs[i-1], bs[i])
	}
}

// lanes writes the kernel C[r][lane] = epi(Σ_t P[r*rs+t*cs] B[t*ldb+lane])
// for tiles of mr rows and nv vectors of lanes.
func lanes(isa string, mr, nv int) {
	reg, vlen, zero := "Z", 64, "Z31"
	b0, bc := 28, 30
	if isa == "Y" {
		reg, vlen, zero = "Y", 32, "Y15"
		b0, bc = 12, 14
	}
	acc := func(r, v int) string { return fmt.Sprintf("%s%d", reg, r*nv+v) }
	name := fmt.Sprintf("lanes%s%dx%d", isa, mr, nv)
	p("// func %s(p *float32, rs, cs int, b *float32, ldb, t int, c *float32, ldc int, m *float32, ntiles, mode int)", name)
	p("TEXT ·%s(SB), NOSPLIT, $0-88", name)
	p("\tMOVQ p+0(FP), AX")
	p("\tMOVQ rs+8(FP), DX")
	p("\tSHLQ $2, DX")
	p("\tLEAQ (DX)(DX*2), R11")
	p("\tMOVQ cs+16(FP), CX")
	p("\tSHLQ $2, CX")
	p("\tMOVQ c+48(FP), DI")
	p("\tMOVQ m+64(FP), R14")
	zeroReg(isa, zero)
	p("tile:")
	for r := 0; r < mr; r++ {
		for v := 0; v < nv; v++ {
			zeroReg(isa, acc(r, v))
		}
	}
	setBases(mr)
	p("\tMOVQ b+24(FP), BX")
	p("\tMOVQ ldb+32(FP), R12")
	p("\tSHLQ $2, R12")
	p("\tMOVQ t+40(FP), R13")
	p("\tTESTQ R13, R13")
	p("\tJZ epi")
	p("loop:")
	for v := 0; v < nv; v++ {
		p("\tVMOVUPS %d(BX), %s%d", v*vlen, reg, b0+v)
	}
	for r := 0; r < mr; r++ {
		p("\tVBROADCASTSS %s, %s%d", bcastAddr(r), reg, bc)
		for v := 0; v < nv; v++ {
			p("\tVFMADD231PS %s%d, %s%d, %s", reg, b0+v, reg, bc, acc(r, v))
		}
	}
	for _, b := range bases(mr) {
		p("\tADDQ CX, %s", b)
	}
	p("\tADDQ R12, BX")
	p("\tDECQ R13")
	p("\tJNZ loop")
	p("epi:")
	p("\tMOVQ ldc+56(FP), R12")
	p("\tSHLQ $2, R12")
	p("\tMOVQ DI, R13")
	p("\tMOVQ R14, BX")
	p("\tMOVQ mode+80(FP), SI")
	p("\tCMPQ SI, $1")
	p("\tJEQ relu")
	p("\tJGT mask")
	for r := 0; r < mr; r++ {
		for v := 0; v < nv; v++ {
			p("\tVMOVUPS %s, %d(R13)", acc(r, v), v*vlen)
		}
		p("\tADDQ R12, R13")
	}
	p("\tJMP next")
	p("relu:")
	for r := 0; r < mr; r++ {
		for v := 0; v < nv; v++ {
			p("\tVMAXPS %s, %s, %s", zero, acc(r, v), acc(r, v))
			p("\tVMOVUPS %s, %d(R13)", acc(r, v), v*vlen)
		}
		p("\tADDQ R12, R13")
	}
	p("\tJMP next")
	p("mask:")
	for r := 0; r < mr; r++ {
		for v := 0; v < nv; v++ {
			if isa == "Z" {
				p("\tVMOVUPS %d(BX), Z%d", v*vlen, b0)
				p("\tVCMPPS $0x1e, %s, Z%d, K1", zero, b0)
				p("\tVMOVUPS.Z %s, K1, %s", acc(r, v), acc(r, v))
			} else {
				// Y12 = (m > 0) as all-ones lanes; AND keeps acc where set.
				p("\tVCMPPS $0x11, %d(BX), %s, Y%d", v*vlen, zero, b0)
				p("\tVANDPS Y%d, %s, %s", b0, acc(r, v), acc(r, v))
			}
			p("\tVMOVUPS %s, %d(R13)", acc(r, v), v*vlen)
		}
		p("\tADDQ R12, R13")
		p("\tADDQ R12, BX")
	}
	p("next:")
	p("\tMOVQ R12, R13")
	p("\tIMULQ $%d, R13", mr)
	p("\tADDQ R13, DI")
	p("\tADDQ R13, R14")
	p("\tMOVQ DX, R13")
	p("\tIMULQ $%d, R13", mr)
	p("\tADDQ R13, AX")
	p("\tDECQ ntiles+72(FP)")
	p("\tJNZ tile")
	p("\tVZEROUPPER")
	p("\tRET")
	p("")
}

// upd writes the kernel W[r][j] += alpha Σ_t P[r*rs+t*cs] D[t*ldd+j] for
// tiles of mr rows and nv vectors of columns, the last vector under a mask.
func upd(isa string, mr, nv int) {
	reg, vlen := "Z", 64
	d0, bc, tmp, al := 24, 30, 28, 31
	if isa == "Y" {
		reg, vlen = "Y", 32
		d0, bc, tmp, al = mr*nv, 15, -1, -1
	}
	acc := func(r, v int) string { return fmt.Sprintf("%s%d", reg, r*nv+v) }
	name := fmt.Sprintf("upd%s%dx%d", isa, mr, nv)
	p("// func %s(w *float32, ldw int, p *float32, rs, cs int, d *float32, ldd, t, ntiles int, mask *int32, alpha *float32)", name)
	p("TEXT ·%s(SB), NOSPLIT, $0-88", name)
	p("\tMOVQ w+0(FP), DI")
	p("\tMOVQ ldw+8(FP), R14")
	p("\tSHLQ $2, R14")
	p("\tMOVQ p+16(FP), AX")
	p("\tMOVQ rs+24(FP), DX")
	p("\tSHLQ $2, DX")
	p("\tLEAQ (DX)(DX*2), R11")
	p("\tMOVQ cs+32(FP), CX")
	p("\tSHLQ $2, CX")
	p("\tMOVQ ldd+48(FP), R12")
	p("\tSHLQ $2, R12")
	p("\tMOVQ mask+72(FP), BX")
	if isa == "Z" {
		p("\tMOVL (BX), BX")
		p("\tKMOVW BX, K1")
		p("\tMOVQ alpha+80(FP), BX")
		p("\tVBROADCASTSS (BX), Z%d", al)
	}
	p("tile:")
	for r := 0; r < mr; r++ {
		for v := 0; v < nv; v++ {
			zeroReg(isa, acc(r, v))
		}
	}
	setBases(mr)
	p("\tMOVQ d+40(FP), BX")
	p("\tMOVQ t+56(FP), R13")
	p("\tTESTQ R13, R13")
	p("\tJZ epi")
	if isa == "Y" {
		// AVX2 has no mask registers: the lane mask of the last column
		// vector sits in the broadcast register for the masked load at the
		// top of each step and is reloaded (an L1 hit) at the bottom.
		p("\tMOVQ mask+72(FP), R10")
		p("\tVMOVDQU (R10), Y%d", bc)
	}
	p("loop:")
	for v := 0; v < nv; v++ {
		if v < nv-1 {
			p("\tVMOVUPS %d(BX), %s%d", v*vlen, reg, d0+v)
		} else if isa == "Z" {
			p("\tVMOVUPS.Z %d(BX), K1, Z%d", v*vlen, d0+v)
		} else {
			p("\tVMASKMOVPS %d(BX), Y%d, Y%d", v*vlen, bc, d0+v)
		}
	}
	for r := 0; r < mr; r++ {
		p("\tVBROADCASTSS %s, %s%d", bcastAddr(r), reg, bc)
		for v := 0; v < nv; v++ {
			p("\tVFMADD231PS %s%d, %s%d, %s", reg, d0+v, reg, bc, acc(r, v))
		}
	}
	if isa == "Y" {
		p("\tVMOVDQU (R10), Y%d", bc)
	}
	for _, b := range bases(mr) {
		p("\tADDQ CX, %s", b)
	}
	p("\tADDQ R12, BX")
	p("\tDECQ R13")
	p("\tJNZ loop")
	p("epi:")
	p("\tMOVQ DI, R13")
	if isa == "Y" {
		// Reuse the operand registers: Y(d0) = alpha, Y(d0+1) = mask, Y(bc) = scratch.
		p("\tMOVQ alpha+80(FP), BX")
		p("\tVBROADCASTSS (BX), Y%d", d0)
		p("\tMOVQ mask+72(FP), BX")
		p("\tVMOVDQU (BX), Y%d", d0+1)
		al, tmp = d0, bc
	}
	for r := 0; r < mr; r++ {
		for v := 0; v < nv; v++ {
			off := v * vlen
			if v < nv-1 {
				p("\tVMOVUPS %d(R13), %s%d", off, reg, tmp)
				p("\tVFMADD231PS %s%d, %s, %s%d", reg, al, acc(r, v), reg, tmp)
				p("\tVMOVUPS %s%d, %d(R13)", reg, tmp, off)
			} else if isa == "Z" {
				p("\tVMOVUPS.Z %d(R13), K1, Z%d", off, tmp)
				p("\tVFMADD231PS Z%d, %s, Z%d", al, acc(r, v), tmp)
				p("\tVMOVUPS Z%d, K1, %d(R13)", tmp, off)
			} else {
				p("\tVMASKMOVPS %d(R13), Y%d, Y%d", off, d0+1, tmp)
				p("\tVFMADD231PS Y%d, %s, Y%d", al, acc(r, v), tmp)
				p("\tVMASKMOVPS Y%d, Y%d, %d(R13)", tmp, d0+1, off)
			}
		}
		p("\tADDQ R14, R13")
	}
	p("\tMOVQ R13, DI")
	p("\tMOVQ DX, R13")
	p("\tIMULQ $%d, R13", mr)
	p("\tADDQ R13, AX")
	p("\tDECQ ntiles+64(FP)")
	p("\tJNZ tile")
	p("\tVZEROUPPER")
	p("\tRET")
	p("")
}

// goFile collects the Go half of a generated kernel set: the tile
// constants, the assembly functions' declarations and the dispatchers that
// pick a kernel by tile shape.
type goFile struct {
	consts, decls, funcs bytes.Buffer
}

// tile records a tile-size constant, so that the Go code using the kernels
// reads the sizes the generator built them for.
func (f *goFile) tile(name string, v int, doc string) {
	fmt.Fprintf(&f.consts, "\t%s = %d // %s\n", name, v, doc)
}

func (f *goFile) decl(name, sig string) {
	fmt.Fprintf(&f.decls, "//go:noescape\nfunc %s%s\n\n", name, sig)
}

// dispatch writes name(mr, nv, params), which calls the kernel
// name+"{mr}x{nv}" for every nv in nvs and mr in 1..maxmr.
func (f *goFile) dispatch(name, params, args string, nvs []int, maxmr int, what string) {
	fmt.Fprintf(&f.funcs, "// %s calls the kernel for mr rows and nv vectors.\n", name)
	fmt.Fprintf(&f.funcs, "func %s(mr, nv int, %s) {\n\tswitch nv*64 + mr {\n", name, params)
	for _, nv := range nvs {
		for mr := 1; mr <= maxmr; mr++ {
			fmt.Fprintf(&f.funcs, "\tcase %d:\n\t\t%s%dx%d(%s)\n", nv*64+mr, name, mr, nv, args)
		}
	}
	fmt.Fprintf(&f.funcs, "\tdefault:\n\t\tpanic(\"mlcore: no %s kernel for this tile\")\n\t}\n}\n\n", what)
}

// source returns the formatted Go file for the build constraint cons.
func (f *goFile) source(cons string) []byte {
	var g bytes.Buffer
	fmt.Fprintf(&g, "// Code generated by gen_kernels.go; DO NOT EDIT.\n\n//go:build %s\n\npackage mlcore\n\n", cons)
	fmt.Fprintf(&g, "// Tile shapes of the generated kernels.\nconst (\n%s)\n\n", f.consts.String())
	g.Write(f.decls.Bytes())
	g.Write(f.funcs.Bytes())
	src, err := format.Source(g.Bytes())
	if err != nil {
		log.Fatal(err)
	}
	return src
}

// asmHeader starts an assembly file with the build constraint cons.
func asmHeader(cons string) {
	s.Reset()
	p("// Code generated by gen_kernels.go; DO NOT EDIT.")
	p("")
	p("//go:build %s", cons)
	p("")
	p("#include \"textflag.h\"")
	p("")
}

// amd64 generates kernels_amd64.s and kernels_gen_amd64.go.
func amd64() (asm, src []byte) {
	asmHeader("!purego")
	var f goFile
	f.tile("lanesMRZ", lanesMRZ, "AVX-512 lanes kernel: rows per tile")
	f.tile("updMRZ", updMRZ, "AVX-512 update kernel: rows per tile")
	f.tile("updNVZ", updNVZ, "AVX-512 update kernel: most vectors of 16 columns")
	f.tile("lanesMRY", lanesMRY, "AVX2 lanes kernel: rows per tile")
	f.tile("updMRY", updMRY, "AVX2 update kernel: rows per tile")
	f.tile("updNVY", updNVY, "AVX2 update kernel: most vectors of 8 columns")
	const lsig = "(p *float32, rs, cs int, b *float32, ldb, t int, c *float32, ldc int, m *float32, ntiles, mode int)"
	const usig = "(w *float32, ldw int, p *float32, rs, cs int, d *float32, ldd, t, ntiles int, mask *int32, alpha *float32)"
	shapes := func(isa string) (lmr, umr, unv int) {
		if isa == "Y" {
			return lanesMRY, updMRY, updNVY
		}
		return lanesMRZ, updMRZ, updNVZ
	}
	for _, isa := range []string{"Z", "Y"} {
		lmr, umr, unv := shapes(isa)
		for nv := 1; nv <= 2; nv++ {
			for mr := 1; mr <= lmr; mr++ {
				lanes(isa, mr, nv)
				f.decl(fmt.Sprintf("lanes%s%dx%d", isa, mr, nv), lsig)
			}
		}
		for nv := 1; nv <= unv; nv++ {
			for mr := 1; mr <= umr; mr++ {
				upd(isa, mr, nv)
				f.decl(fmt.Sprintf("upd%s%dx%d", isa, mr, nv), usig)
			}
		}
	}
	for _, isa := range []string{"Z", "Y"} {
		lmr, umr, unv := shapes(isa)
		f.dispatch("lanes"+isa, lsig[1:len(lsig)-1], "p, rs, cs, b, ldb, t, c, ldc, m, ntiles, mode", upTo(2), lmr, "lanes")
		f.dispatch("upd"+isa, usig[1:len(usig)-1], "w, ldw, p, rs, cs, d, ldd, t, ntiles, mask, alpha", upTo(unv), umr, "update")
	}
	return bytes.Clone(s.Bytes()), f.source("!purego")
}

func upTo(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i + 1
	}
	return s
}

func main() {
	dir := flag.String("o", ".", "write the generated files into `dir`")
	flag.Parse()
	files := map[string][]byte{}
	files["kernels_amd64.s"], files["kernels_gen_amd64.go"] = amd64()
	files["kernels_arm64.s"], files["kernels_gen_arm64.go"] = arm64()
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(*dir, name), b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
