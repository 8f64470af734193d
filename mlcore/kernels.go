package mlcore

import (
	"fmt"
	"runtime"
)

// The assembly kernels of every architecture, their declarations and tile
// sizes are generated; a test fails if they differ from the generator's.
//go:generate go run gen_kernels.go gen_kernels_neon.go

// The two matrix products of a training step, in the layouts mlcore keeps.
//
// Activations and their gradients are stored feature-major ("lanes"): row f
// of a block holds feature f of every sample of the batch in consecutive
// lanes, so one SIMD vector covers 16 (AVX-512), 8 (AVX2) or 4 (NEON)
// samples and a weight is broadcast once per step for all of them. Weights
// are stored row-major in×out with the bias as an extra last row, and the
// matching activation block carries an extra row that is 1 in the lanes of
// real samples and 0 in padding lanes, so the bias is part of every product.
//
//   - lanesMul: C[r][l] = epi(Σ_t P[r*rs+t*cs] · B[t][l]) covers the forward
//     pass (P = W read by column: rs = 1, cs = out) and the input gradients
//     (P = W read by row: rs = out, cs = 1), with the ReLU or the ReLU-mask
//     of the backward pass fused into the store.
//   - updMul: W[r][j] += alpha Σ_t P[r*rs+t*cs] · D[t][j] is the weight
//     gradient fused with the SGD step, so no gradient buffer is written.

// Epilogues of lanesMul.
const (
	epiStore = 0 // C = acc
	epiReLU  = 1 // C = max(acc, 0)
	epiMask  = 2 // C = acc where M > 0, else 0
)

// impl names a kernel implementation.
type impl int

const (
	implGo     impl = iota // portable Go
	implAVX2               // AVX2 + FMA assembly
	implAVX512             // AVX-512F assembly
	implNEON               // arm64 ASIMD assembly
)

func (k impl) String() string {
	switch k {
	case implAVX2:
		return "avx2"
	case implAVX512:
		return "avx512"
	case implNEON:
		return "neon"
	}
	return "go"
}

// laneQuantum is the number of lanes a feature-major block is padded to, so
// that every implementation sees whole vectors.
const laneQuantum = 16

// lanesMul computes C[r*ldc+l] = epi(Σ_{t<T} P[r*rs+t*cs]·B[t*ldb+l]) for
// r < rows and l < lanes; with epiMask, M (laid out like C) selects the
// lanes that keep their value. Panics if a slice is too short or, for the
// assembly kernels, if lanes is not a multiple of laneQuantum.
func lanesMul(k impl, p []float32, rs, cs int, b []float32, ldb, T int, c []float32, ldc int, m []float32, rows, lanes, mode int) {
	if rows <= 0 || lanes <= 0 {
		return
	}
	need := func(name string, s []float32, n int) {
		if len(s) < n {
			panic(fmt.Sprintf("mlcore: lanesMul: %s has %d elements, need %d", name, len(s), n))
		}
	}
	need("C", c, (rows-1)*ldc+lanes)
	if T <= 0 { // an empty sum: every epilogue gives 0
		for r := 0; r < rows; r++ {
			clear(c[r*ldc : r*ldc+lanes])
		}
		return
	}
	need("P", p, (rows-1)*rs+(T-1)*cs+1)
	need("B", b, (T-1)*ldb+lanes)
	if mode == epiMask {
		need("M", m, (rows-1)*ldc+lanes)
	}
	if k == implGo || !haveAsm {
		lanesGo(narrowFP, p, rs, cs, b, ldb, T, c, ldc, m, rows, lanes, mode)
		return
	}
	if lanes%laneQuantum != 0 {
		panic("mlcore: lanesMul: lanes not a multiple of 16")
	}
	lanesAsm(k, p, rs, cs, b, ldb, T, c, ldc, m, rows, lanes, mode)
}

// updMul computes W[r*ldw+j] += alpha Σ_{t<T} P[r*rs+t*cs]·D[t*ldd+j] for
// r < rows and j < cols. Panics if a slice is too short.
func updMul(k impl, w []float32, ldw int, p []float32, rs, cs int, d []float32, ldd, T, rows, cols int, alpha float32) {
	if rows <= 0 || cols <= 0 || T <= 0 {
		return
	}
	need := func(name string, s []float32, n int) {
		if len(s) < n {
			panic(fmt.Sprintf("mlcore: updMul: %s has %d elements, need %d", name, len(s), n))
		}
	}
	need("W", w, (rows-1)*ldw+cols)
	need("P", p, (rows-1)*rs+(T-1)*cs+1)
	need("D", d, (T-1)*ldd+cols)
	if k == implGo || !haveAsm {
		updGo(narrowFP, w, ldw, p, rs, cs, d, ldd, T, rows, cols, alpha)
		return
	}
	updAsm(k, w, ldw, p, rs, cs, d, ldd, T, rows, cols, alpha)
}

// The portable kernels. The Go compiler does not vectorise, so both
// products run as scalar multiply-adds, blocked in registers: a block of
// goMR rows by goNR lanes (columns for updMul) is summed over t in order by
// a microkernel that reads P in place in the two layouts callers use — with
// rs == 1 (the forward pass reads W by column) the rows of one t are
// adjacent ("adj"), with cs == 1 (the input gradient reads W by row, the
// update the activations by row) each row is a contiguous run ("rows").
// Rows and lanes that do not fill a block, and other strides, take a plain
// loop. The kernels use no scratch memory and no goroutines.
//
// On arm64, where the compiler fuses x*y+z into one instruction and there
// are 32 floating-point registers, a block is one pass of 4×4: 16
// independent accumulator chains, enough to keep four multiply-add pipes
// busy, with 8 loads per 16 multiply-adds, and no spills (as on the other
// architectures with 32 such registers). On amd64 and 386 (16 or 8
// registers, separate multiply and add) it is two passes of 4×2; see
// mulAdj4x2 for how they keep their products in registers.
const (
	goMR = 4
	goNR = 4
)

// narrowFP selects the 4×2 microkernels for this build (the tests run
// both kinds on every machine).
const narrowFP = runtime.GOARCH == "amd64" || runtime.GOARCH == "386"

// mulBlock sets acc[i*goNR+j] = Σ_{t<n} P(i,t)·b[t*ldb+j] for i < goMR and
// j < goNR, where P(i,t) = p[i*rs+t*cs] and rs == 1 or cs == 1, with the
// 4×2 microkernels if narrow.
func mulBlock(narrow bool, acc *[goMR * goNR]float32, p []float32, rs, cs int, b []float32, ldb, n int) {
	switch {
	case narrow && rs == 1:
		mulAdj4x2(acc, 0, p, cs, b, ldb, n)
		mulAdj4x2(acc, 2, p, cs, b[2:], ldb, n)
	case narrow:
		mulRows4x2(acc, 0, p, rs, b, ldb, n)
		mulRows4x2(acc, 2, p, rs, b[2:], ldb, n)
	case rs == 1:
		mulAdj4x4(acc, p, cs, b, ldb, n)
	default:
		mulRows4x4(acc, p, rs, b, ldb, n)
	}
}

// lanesGo is the portable lanesMul; narrow selects the 4×2 microkernels.
func lanesGo(narrow bool, p []float32, rs, cs int, b []float32, ldb, T int, c []float32, ldc int, m []float32, rows, lanes, mode int) {
	r0 := 0
	if rs == 1 || cs == 1 {
		var acc [goMR * goNR]float32
		for ; r0+goMR <= rows; r0 += goMR {
			l0 := 0
			for ; l0+goNR <= lanes; l0 += goNR {
				mulBlock(narrow, &acc, p[r0*rs:], rs, cs, b[l0:], ldb, T)
				lanesPut(&acc, c, ldc, m, r0*ldc+l0, mode)
			}
			lanesEdge(p, rs, cs, b, ldb, T, c, ldc, m, r0, r0+goMR, l0, lanes, mode)
		}
	}
	lanesEdge(p, rs, cs, b, ldb, T, c, ldc, m, r0, rows, 0, lanes, mode)
}

// lanesPut applies lanesMul's epilogue to a block of sums and stores it at
// c[at:], rows ldc apart.
func lanesPut(acc *[goMR * goNR]float32, c []float32, ldc int, m []float32, at, mode int) {
	for i := 0; i < goMR; i++ {
		o := at + i*ldc
		out := c[o : o+goNR : o+goNR]
		a := acc[i*goNR : i*goNR+goNR : i*goNR+goNR]
		switch mode {
		case epiReLU:
			for j, v := range a {
				if !(v > 0) {
					v = 0
				}
				out[j] = v
			}
		case epiMask:
			mm := m[o : o+goNR : o+goNR]
			for j, v := range a {
				if !(mm[j] > 0) {
					v = 0
				}
				out[j] = v
			}
		default:
			copy(out, a)
		}
	}
}

// lanesEdge is lanesMul on rows r0..r1-1 and lanes l0..l1-1, one sum at a
// time.
func lanesEdge(p []float32, rs, cs int, b []float32, ldb, T int, c []float32, ldc int, m []float32, r0, r1, l0, l1, mode int) {
	for r := r0; r < r1; r++ {
		for l := l0; l < l1; l++ {
			var s float32
			for t, pi, bi := 0, r*rs, l; t < T; t++ {
				s += p[pi] * b[bi]
				pi += cs
				bi += ldb
			}
			switch {
			case mode == epiReLU && !(s > 0):
				s = 0
			case mode == epiMask && !(m[r*ldc+l] > 0):
				s = 0
			}
			c[r*ldc+l] = s
		}
	}
}

// updGo is the portable updMul; narrow selects the 4×2 microkernels.
func updGo(narrow bool, w []float32, ldw int, p []float32, rs, cs int, d []float32, ldd, T, rows, cols int, alpha float32) {
	r0 := 0
	if rs == 1 || cs == 1 {
		var acc [goMR * goNR]float32
		for ; r0+goMR <= rows; r0 += goMR {
			j0 := 0
			for ; j0+goNR <= cols; j0 += goNR {
				mulBlock(narrow, &acc, p[r0*rs:], rs, cs, d[j0:], ldd, T)
				for i := 0; i < goMR; i++ {
					o := (r0+i)*ldw + j0
					ww := w[o : o+goNR : o+goNR]
					for j, v := range acc[i*goNR : i*goNR+goNR : i*goNR+goNR] {
						ww[j] += alpha * v
					}
				}
			}
			updEdge(w, ldw, p, rs, cs, d, ldd, T, r0, r0+goMR, j0, cols, alpha)
		}
	}
	updEdge(w, ldw, p, rs, cs, d, ldd, T, r0, rows, 0, cols, alpha)
}

// updEdge is updMul on rows r0..r1-1 and columns j0..j1-1, one sum at a
// time.
func updEdge(w []float32, ldw int, p []float32, rs, cs int, d []float32, ldd, T, r0, r1, j0, j1 int, alpha float32) {
	for r := r0; r < r1; r++ {
		for j := j0; j < j1; j++ {
			var s float32
			for t, pi, di := 0, r*rs, j; t < T; t++ {
				s += p[pi] * d[di]
				pi += cs
				di += ldd
			}
			w[r*ldw+j] += alpha * s
		}
	}
}

// mulAdj4x4 is mulBlock for rs == 1 (as = cs) in one pass of 4×4.
func mulAdj4x4(acc *[goMR * goNR]float32, a []float32, as int, b []float32, ldb, n int) {
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	var c20, c21, c22, c23, c30, c31, c32, c33 float32
	ai, bi := 0, 0
	for range n {
		x := a[ai : ai+4 : ai+4]
		y := b[bi : bi+4 : bi+4]
		x0, x1, x2, x3 := x[0], x[1], x[2], x[3]
		y0, y1, y2, y3 := y[0], y[1], y[2], y[3]
		c00 += x0 * y0
		c01 += x0 * y1
		c02 += x0 * y2
		c03 += x0 * y3
		c10 += x1 * y0
		c11 += x1 * y1
		c12 += x1 * y2
		c13 += x1 * y3
		c20 += x2 * y0
		c21 += x2 * y1
		c22 += x2 * y2
		c23 += x2 * y3
		c30 += x3 * y0
		c31 += x3 * y1
		c32 += x3 * y2
		c33 += x3 * y3
		ai += as
		bi += ldb
	}
	*acc = [goMR * goNR]float32{
		c00, c01, c02, c03,
		c10, c11, c12, c13,
		c20, c21, c22, c23,
		c30, c31, c32, c33,
	}
}

// mulRows4x4 is mulBlock for cs == 1 (rows lda = rs apart) in one pass of
// 4×4.
func mulRows4x4(acc *[goMR * goNR]float32, a []float32, lda int, b []float32, ldb, n int) {
	a0 := a[:n]
	a1 := a[lda : lda+n][:len(a0)]
	a2 := a[2*lda : 2*lda+n][:len(a0)]
	a3 := a[3*lda : 3*lda+n][:len(a0)]
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	var c20, c21, c22, c23, c30, c31, c32, c33 float32
	bi := 0
	for t, x0 := range a0 {
		x1, x2, x3 := a1[t], a2[t], a3[t]
		y := b[bi : bi+4 : bi+4]
		y0, y1, y2, y3 := y[0], y[1], y[2], y[3]
		c00 += x0 * y0
		c01 += x0 * y1
		c02 += x0 * y2
		c03 += x0 * y3
		c10 += x1 * y0
		c11 += x1 * y1
		c12 += x1 * y2
		c13 += x1 * y3
		c20 += x2 * y0
		c21 += x2 * y1
		c22 += x2 * y2
		c23 += x2 * y3
		c30 += x3 * y0
		c31 += x3 * y1
		c32 += x3 * y2
		c33 += x3 * y3
		bi += ldb
	}
	*acc = [goMR * goNR]float32{
		c00, c01, c02, c03,
		c10, c11, c12, c13,
		c20, c21, c22, c23,
		c30, c31, c32, c33,
	}
}

// mulAdj4x2 is mulBlock for rs == 1 (as = cs) restricted to lanes j0 and
// j0+1 of the block, whose values b points at.
//
// Without fused multiply-adds each product needs a register of its own
// until it is added, and the compiler's scheduler places every value that
// has a use in the same basic block (the products) before those that have
// none (the sums, used only by the next iteration), which would keep all
// eight products live at once and spill. The bounds check of each row's
// load ends a basic block, so each row's two products are summed before
// the next row's are formed: 8 accumulators, 2 operands of B, 1 of P and 2
// products fit in the 15 registers amd64 code has.
func mulAdj4x2(acc *[goMR * goNR]float32, j0 int, a []float32, as int, b []float32, ldb, n int) {
	var c00, c01, c10, c11, c20, c21, c30, c31 float32
	ai, bi := 0, 0
	for range n {
		y := b[bi : bi+2 : bi+2]
		y0, y1 := y[0], y[1]
		x0 := a[ai]
		c00 += x0 * y0
		c01 += x0 * y1
		x1 := a[ai+1]
		c10 += x1 * y0
		c11 += x1 * y1
		x2 := a[ai+2]
		c20 += x2 * y0
		c21 += x2 * y1
		x3 := a[ai+3]
		c30 += x3 * y0
		c31 += x3 * y1
		ai += as
		bi += ldb
	}
	acc[j0], acc[j0+1] = c00, c01
	acc[goNR+j0], acc[goNR+j0+1] = c10, c11
	acc[2*goNR+j0], acc[2*goNR+j0+1] = c20, c21
	acc[3*goNR+j0], acc[3*goNR+j0+1] = c30, c31
}

// mulRows4x2 is mulBlock for cs == 1 (rows lda = rs apart) restricted to
// lanes j0 and j0+1, like mulAdj4x2. Each row is indexed from a with its
// own bounds check (see mulAdj4x2), which also needs fewer registers than
// a slice per row.
func mulRows4x2(acc *[goMR * goNR]float32, j0 int, a []float32, lda int, b []float32, ldb, n int) {
	var c00, c01, c10, c11, c20, c21, c30, c31 float32
	l2, l3 := 2*lda, 3*lda
	bi := 0
	for t := range n {
		y := b[bi : bi+2 : bi+2]
		y0, y1 := y[0], y[1]
		x0 := a[t]
		c00 += x0 * y0
		c01 += x0 * y1
		x1 := a[lda+t]
		c10 += x1 * y0
		c11 += x1 * y1
		x2 := a[l2+t]
		c20 += x2 * y0
		c21 += x2 * y1
		x3 := a[l3+t]
		c30 += x3 * y0
		c31 += x3 * y1
		bi += ldb
	}
	acc[j0], acc[j0+1] = c00, c01
	acc[goNR+j0], acc[goNR+j0+1] = c10, c11
	acc[2*goNR+j0], acc[2*goNR+j0+1] = c20, c21
	acc[3*goNR+j0], acc[3*goNR+j0+1] = c30, c31
}

// Kernels names the matrix kernels this process uses: "avx512" or "avx2"
// on amd64, "neon" on arm64, or "go" (the portable fallback, for other
// architectures and forced by the purego build tag).
// Results are bit-identical only between runs that use the same kernels.
func Kernels() string { return bestImpl.String() }
