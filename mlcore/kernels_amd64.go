//go:build amd64 && !purego

package mlcore

import "golang.org/x/sys/cpu"

// haveAsm reports whether this build carries the assembly kernels.
const haveAsm = true

// bestImpl is the fastest kernel implementation this CPU supports; it is
// fixed at start-up from the CPU's feature bits and never changes after.
var bestImpl = func() impl {
	switch {
	case cpu.X86.HasAVX512F:
		return implAVX512
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		return implAVX2
	}
	return implGo
}()

func lanesAsm(k impl, p []float32, rs, cs int, b []float32, ldb, T int, c []float32, ldc int, m []float32, rows, lanes, mode int) {
	vl, mr := 16, lanesMRZ
	if k == implAVX2 {
		vl, mr = 8, lanesMRY
	}
	var mp *float32
	if mode == epiMask {
		mp = &m[0]
	}
	pp := &p[0]
	for l0 := 0; l0 < lanes; {
		nv := min(2, (lanes-l0)/vl)
		bp, cp := &b[l0], &c[l0]
		mq := mp
		if mq != nil {
			mq = &m[l0]
		}
		full, rem := rows/mr, rows%mr
		if full > 0 {
			lanesCall(k, mr, nv, pp, rs, cs, bp, ldb, T, cp, ldc, mq, full, mode)
		}
		if rem > 0 {
			o := full * mr
			var mr2 *float32
			if mq != nil {
				mr2 = &m[l0+o*ldc]
			}
			lanesCall(k, rem, nv, &p[o*rs], rs, cs, bp, ldb, T, &c[l0+o*ldc], ldc, mr2, 1, mode)
		}
		l0 += nv * vl
	}
}

func lanesCall(k impl, mr, nv int, p *float32, rs, cs int, b *float32, ldb, T int, c *float32, ldc int, m *float32, ntiles, mode int) {
	if k == implAVX512 {
		lanesZ(mr, nv, p, rs, cs, b, ldb, T, c, ldc, m, ntiles, mode)
	} else {
		lanesY(mr, nv, p, rs, cs, b, ldb, T, c, ldc, m, ntiles, mode)
	}
}

func updAsm(k impl, w []float32, ldw int, p []float32, rs, cs int, d []float32, ldd, T, rows, cols int, alpha float32) {
	vl, mr, maxnv := 16, updMRZ, updNVZ
	if k == implAVX2 {
		vl, mr, maxnv = 8, updMRY, updNVY
	}
	full, rem := rows/mr, rows%mr
	for j0 := 0; j0 < cols; {
		nc := min(cols-j0, vl*maxnv)
		nv := (nc + vl - 1) / vl
		last := nc - (nv-1)*vl
		var mask [8]int32
		if k == implAVX512 {
			mask[0] = int32(1)<<last - 1
		} else {
			for i := range last {
				mask[i] = -1
			}
		}
		if full > 0 {
			updCall(k, mr, nv, &w[j0], ldw, &p[0], rs, cs, &d[j0], ldd, T, full, &mask[0], &alpha)
		}
		if rem > 0 {
			o := full * mr
			updCall(k, rem, nv, &w[o*ldw+j0], ldw, &p[o*rs], rs, cs, &d[j0], ldd, T, 1, &mask[0], &alpha)
		}
		j0 += nc
	}
}

func updCall(k impl, mr, nv int, w *float32, ldw int, p *float32, rs, cs int, d *float32, ldd, T, ntiles int, mask *int32, alpha *float32) {
	if k == implAVX512 {
		updZ(mr, nv, w, ldw, p, rs, cs, d, ldd, T, ntiles, mask, alpha)
	} else {
		updY(mr, nv, w, ldw, p, rs, cs, d, ldd, T, ntiles, mask, alpha)
	}
}

// gatherZ: for r < rows, lane l of dst[r*dstStep:] is src[r*srcStep+offs[l]]
// for the lanes in gmask, else 0; only the lanes in smask are stored.
//
//go:noescape
func gatherZ(dst *float32, dstStep int, src *float32, srcStep int, offs *int32, rows int, gmask, smask int)

// gatherAsm writes the samples batch feature-major into dst like gather,
// with AVX-512 gathers; it reports false (doing nothing) if the kernels
// cannot be used.
func gatherAsm(k impl, dst []float32, ls int, data *Dataset, batch []int, lanes int) bool {
	dim := data.Dim
	if k != implAVX512 || len(data.X) >= 1<<29 || lanes%16 != 0 {
		return false
	}
	_ = dst[dim*ls+lanes-1]
	var offs [16]int32
	for l0 := 0; l0 < lanes; l0 += 16 {
		mask := 0
		for l := range 16 {
			offs[l] = 0
			if i := l0 + l; i < len(batch) {
				s := batch[i]
				_ = data.X[s*dim+dim-1] // bounds check the sample's row
				offs[l] = int32(s * dim)
				mask |= 1 << l
			}
		}
		// Padding lanes are gathered under a zero mask and stored as 0.
		gatherZ(&dst[l0], ls, &data.X[0], 1, &offs[0], dim, mask, 0xffff)
	}
	return true
}

// transposeAsm is transpose with AVX-512 gathers; it reports false (doing
// nothing) if the kernels cannot be used.
func transposeAsm(k impl, dst []float32, ld int, src []float32, ls, rows, n int) bool {
	if k != implAVX512 || rows*ls >= 1<<29 {
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
	full, rem := rows/16, rows%16
	for i := 0; i < n; i++ {
		if full > 0 {
			gatherZ(&dst[i*ld], 16, &src[i], 16*ls, &offs[0], full, 0xffff, 0xffff)
		}
		if rem > 0 {
			gatherZ(&dst[i*ld+full*16], 16, &src[full*16*ls+i], 16*ls, &offs[0], 1, 1<<rem-1, 1<<rem-1)
		}
	}
	return true
}

// prefetchRows asks the CPU to load rows[i]'s dim floats from base for
// i < n. It never faults: prefetches of bad addresses are dropped.
//
//go:noescape
func prefetchRows(base *float32, rows *int, n, dim int)

// prefetch starts loading the samples batch into cache.
func prefetch(data *Dataset, batch []int) {
	if len(batch) > 0 && len(data.X) > 0 {
		prefetchRows(&data.X[0], &batch[0], len(batch), data.Dim)
	}
}
