package mlcore

import "fmt"

// The two matrix products of a training step, in the layouts mlcore keeps.
//
// Activations and their gradients are stored feature-major ("lanes"): row f
// of a block holds feature f of every sample of the batch in consecutive
// lanes, so one SIMD vector covers 16 (AVX-512) or 8 (AVX2) samples and a
// weight is broadcast once per step for all of them. Weights are stored
// row-major in×out with the bias as an extra last row, and the matching
// activation block carries an extra row that is 1 in the lanes of real
// samples and 0 in padding lanes, so the bias is part of every product.
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
)

func (k impl) String() string {
	switch k {
	case implAVX2:
		return "avx2"
	case implAVX512:
		return "avx512"
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
		lanesGo(p, rs, cs, b, ldb, T, c, ldc, m, rows, lanes, mode)
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
		updGo(w, ldw, p, rs, cs, d, ldd, T, rows, cols, alpha)
		return
	}
	updAsm(k, w, ldw, p, rs, cs, d, ldd, T, rows, cols, alpha)
}

// lanesGo is the portable lanesMul. It keeps two rows by four lanes of
// accumulators in registers and sums over t in order, like the assembly
// (which fuses each multiply-add, so the two round differently).
func lanesGo(p []float32, rs, cs int, b []float32, ldb, T int, c []float32, ldc int, m []float32, rows, lanes, mode int) {
	for r := 0; r < rows; r += 2 {
		two := r+1 < rows
		for l0 := 0; l0 < lanes; l0 += 4 {
			nl := min(4, lanes-l0)
			var a0, a1, a2, a3, e0, e1, e2, e3 float32
			pi, bi := r*rs, l0
			if nl == 4 && two {
				for t := 0; t < T; t++ {
					bb := b[bi : bi+4 : bi+4]
					x, y := p[pi], p[pi+rs]
					a0 += x * bb[0]
					a1 += x * bb[1]
					a2 += x * bb[2]
					a3 += x * bb[3]
					e0 += y * bb[0]
					e1 += y * bb[1]
					e2 += y * bb[2]
					e3 += y * bb[3]
					pi += cs
					bi += ldb
				}
			} else {
				var acc, acc2 [4]float32
				for t := 0; t < T; t++ {
					x := p[pi]
					var y float32
					if two {
						y = p[pi+rs]
					}
					for l, v := range b[bi : bi+nl] {
						acc[l] += x * v
						acc2[l] += y * v
					}
					pi += cs
					bi += ldb
				}
				a0, a1, a2, a3 = acc[0], acc[1], acc[2], acc[3]
				e0, e1, e2, e3 = acc2[0], acc2[1], acc2[2], acc2[3]
			}
			lanesStore(c[r*ldc+l0:r*ldc+l0+nl], m, r*ldc+l0, mode, a0, a1, a2, a3)
			if two {
				lanesStore(c[(r+1)*ldc+l0:(r+1)*ldc+l0+nl], m, (r+1)*ldc+l0, mode, e0, e1, e2, e3)
			}
		}
	}
}

// lanesStore applies lanesMul's epilogue to up to four lanes.
func lanesStore(out, m []float32, at, mode int, a0, a1, a2, a3 float32) {
	acc := [4]float32{a0, a1, a2, a3}
	for l := range out {
		v := acc[l]
		switch {
		case mode == epiReLU && !(v > 0):
			v = 0
		case mode == epiMask && !(m[at+l] > 0):
			v = 0
		}
		out[l] = v
	}
}

// updGo is the portable updMul, with two rows by four columns of
// accumulators.
func updGo(w []float32, ldw int, p []float32, rs, cs int, d []float32, ldd, T, rows, cols int, alpha float32) {
	for r := 0; r < rows; r += 2 {
		two := r+1 < rows
		for j0 := 0; j0 < cols; j0 += 4 {
			nc := min(4, cols-j0)
			var acc, acc2 [4]float32
			pi, di := r*rs, j0
			if nc == 4 && two {
				var a0, a1, a2, a3, e0, e1, e2, e3 float32
				for t := 0; t < T; t++ {
					dd := d[di : di+4 : di+4]
					x, y := p[pi], p[pi+rs]
					a0 += x * dd[0]
					a1 += x * dd[1]
					a2 += x * dd[2]
					a3 += x * dd[3]
					e0 += y * dd[0]
					e1 += y * dd[1]
					e2 += y * dd[2]
					e3 += y * dd[3]
					pi += cs
					di += ldd
				}
				acc, acc2 = [4]float32{a0, a1, a2, a3}, [4]float32{e0, e1, e2, e3}
			} else {
				for t := 0; t < T; t++ {
					x := p[pi]
					var y float32
					if two {
						y = p[pi+rs]
					}
					for j, v := range d[di : di+nc] {
						acc[j] += x * v
						acc2[j] += y * v
					}
					pi += cs
					di += ldd
				}
			}
			for j, ww := range w[r*ldw+j0 : r*ldw+j0+nc] {
				w[r*ldw+j0+j] = ww + alpha*acc[j]
			}
			if two {
				for j, ww := range w[(r+1)*ldw+j0 : (r+1)*ldw+j0+nc] {
					w[(r+1)*ldw+j0+j] = ww + alpha*acc2[j]
				}
			}
		}
	}
}

// Kernels names the matrix kernels this process uses: "avx512", "avx2" or
// "go" (the portable fallback, also forced by the purego build tag).
// Results are bit-identical only between runs that use the same kernels.
func Kernels() string { return bestImpl.String() }
