//go:build !(amd64 || arm64) || purego

package mlcore

// haveAsm reports whether this build carries the assembly kernels.
const haveAsm = false

// bestImpl is the fastest kernel implementation of this build.
var bestImpl = implGo

func lanesAsm(k impl, p []float32, rs, cs int, b []float32, ldb, T int, c []float32, ldc int, m []float32, rows, lanes, mode int) {
	panic("mlcore: no assembly kernels in this build")
}

func updAsm(k impl, w []float32, ldw int, p []float32, rs, cs int, d []float32, ldd, T, rows, cols int, alpha float32) {
	panic("mlcore: no assembly kernels in this build")
}

func gatherAsm(k impl, dst []float32, ls int, data *Dataset, batch []int, lanes int) bool {
	return false
}

func transposeAsm(k impl, dst []float32, ld int, src []float32, ls, rows, n int) bool { return false }

func prefetch(data *Dataset, batch []int) {}
