//go:build !purego

package mlcore

// haveAsm reports whether this build carries the assembly kernels.
const haveAsm = true

// bestImpl is the kernel implementation of this build: NEON (ASIMD) is part
// of every arm64 CPU Go runs on, so there is nothing to detect.
var bestImpl = implNEON

// lanesAsm is lanesMul with the NEON kernels, 16 lanes (lanesNVN vectors)
// at a time.
func lanesAsm(k impl, p []float32, rs, cs int, b []float32, ldb, T int, c []float32, ldc int, m []float32, rows, lanes, mode int) {
	const mr, vl = lanesMRN, 4 * lanesNVN
	full, rem := rows/mr, rows%mr
	o := full * mr
	for l0 := 0; l0 < lanes; l0 += vl {
		var mq, mr2 *float32
		if mode == epiMask {
			mq = &m[l0]
			if rem > 0 {
				mr2 = &m[l0+o*ldc]
			}
		}
		if full > 0 {
			lanesN(mr, lanesNVN, &p[0], rs, cs, &b[l0], ldb, T, &c[l0], ldc, mq, full, mode)
		}
		if rem > 0 {
			lanesN(rem, lanesNVN, &p[o*rs], rs, cs, &b[l0], ldb, T, &c[l0+o*ldc], ldc, mr2, 1, mode)
		}
	}
}

// updAsm is updMul with the NEON kernels, up to updNVN vectors of 4
// columns at a time; NEON has no masked loads and stores, so the last
// cols%4 columns take the portable kernel.
func updAsm(k impl, w []float32, ldw int, p []float32, rs, cs int, d []float32, ldd, T, rows, cols int, alpha float32) {
	const mr = updMRN
	full, rem := rows/mr, rows%mr
	o := full * mr
	j0 := 0
	for j0+4 <= cols {
		nv := min(updNVN, (cols-j0)/4)
		if full > 0 {
			updN(mr, nv, &w[j0], ldw, &p[0], rs, cs, &d[j0], ldd, T, full, &alpha)
		}
		if rem > 0 {
			updN(rem, nv, &w[o*ldw+j0], ldw, &p[o*rs], rs, cs, &d[j0], ldd, T, 1, &alpha)
		}
		j0 += 4 * nv
	}
	if j0 < cols {
		updGo(narrowFP, w[j0:], ldw, p, rs, cs, d[j0:], ldd, T, rows, cols-j0, alpha)
	}
}

// allLanes is gatherN's lane mask that keeps all 16 lanes.
var allLanes = [16]int32{-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1}

// gatherAsm writes the samples batch feature-major into dst like gather,
// with the NEON gather; it reports false (doing nothing) if the kernels
// cannot be used.
func gatherAsm(k impl, dst []float32, ls int, data *Dataset, batch []int, lanes int) bool {
	dim := data.Dim
	if k != implNEON || len(data.X) >= 1<<31 || lanes%16 != 0 || dim == 0 {
		return false
	}
	_ = dst[(dim-1)*ls+lanes-1]
	var offs, mask [16]int32
	for l0 := 0; l0 < lanes; l0 += 16 {
		for l := range 16 {
			offs[l], mask[l] = 0, 0
			if i := l0 + l; i < len(batch) {
				s := batch[i]
				_ = data.X[s*dim+dim-1] // bounds check the sample's row
				offs[l], mask[l] = int32(s*dim), -1
			}
		}
		// Padding lanes read sample 0's row and are stored as 0.
		gatherN(&dst[l0], ls, &data.X[0], 1, &offs[0], dim, &mask[0])
	}
	return true
}

// transposeAsm is transpose with the NEON gather for whole groups of 16
// rows; it reports false (doing nothing) if the kernels cannot be used.
func transposeAsm(k impl, dst []float32, ld int, src []float32, ls, rows, n int) bool {
	if k != implNEON || rows*ls >= 1<<31 {
		return false
	}
	if n == 0 || rows == 0 {
		return true
	}
	_ = src[(rows-1)*ls+n-1]
	_ = dst[(n-1)*ld+rows-1]
	var offs [16]int32
	for l := range offs {
		offs[l] = int32(l * ls)
	}
	full := rows / 16
	for i := 0; i < n; i++ {
		if full > 0 {
			gatherN(&dst[i*ld], 16, &src[i], 16*ls, &offs[0], full, &allLanes[0])
		}
		d := dst[i*ld+full*16 : i*ld+rows]
		for k := range d {
			d[k] = src[(full*16+k)*ls+i]
		}
	}
	return true
}

// prefetch starts loading the samples batch into cache.
func prefetch(data *Dataset, batch []int) {
	if len(batch) > 0 && len(data.X) > 0 {
		prefetchRows(&data.X[0], &batch[0], len(batch), data.Dim)
	}
}
