package mlcore

import "fmt"

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

// Kernels names the matrix kernels this process uses: "avx512" or "avx2"
// on amd64, "neon" on arm64, or "go" (the portable fallback, for other
// architectures and forced by the purego build tag).
// Results are bit-identical only between runs that use the same kernels.
func Kernels() string { return bestImpl.String() }
