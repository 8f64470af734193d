package mlcore

import "runtime"

// The portable kernels: what purego builds and architectures without
// assembly kernels run, and the reference the assembly is tested against.
//
// The Go compiler does not vectorise, and on amd64 it has 15 scalar
// floating-point registers, no fused multiply-add below GOAMD64=v3 and
// two-operand SSE that overwrites one factor of every product, so bounds
// checks, index arithmetic and register copies cost as much as the
// arithmetic: the kernels are bound by instructions per multiply-add. Both
// products therefore run as dot products over t of contiguous runs: a tile
// of mr rows of P by nr columns of B keeps its mr·nr sums in registers and,
// per step of t, loads mr+nr values from runs the compiler indexes without
// bounds checks. On amd64 the tile is 2×3 (6 sums, 5 operands: 22
// instructions per 6 multiply-adds and no spills, against about 50 per 8
// for the register-blocked 4×2 outer products this replaced; 2×4, 3×3 and
// 1×8 spill). Where the compiler fuses x*y+z and has 32 such registers
// (arm64, ppc64, s390x, riscv64, loong64) it is 4×4. Edges take pieces of
// the 2×3 tile.
//
// B (t-major in both products) is packed into a panel of columns, each a
// run over t, once per pass and reused by every row; P is read in place
// when its rows are runs (cs == 1: the input gradient reads W by row, the
// update the activations by row) and packed goRB rows at a time otherwise
// (the forward pass reads W by column). A pass covers at most goKC steps of
// t and goLB columns, so the packed operands (40 KB) live on the stack;
// longer sums are added up pass by pass, each pass in t order. The kernels
// allocate nothing and start no goroutines.
const (
	goKC = 256 // steps of t per pass
	goLB = 32  // columns of B per packed panel
	goRB = 8   // rows of P per packed block
)

// narrowFP selects the 2×3 tiles for this build (the tests run both kinds
// on every machine).
const narrowFP = runtime.GOARCH == "amd64" || runtime.GOARCH == "386"

// goPanels holds one pass's packed operands.
type goPanels struct {
	bt [goLB * goKC]float32 // column j of the panel at bt[j*n:][:n]
	pt [goRB * goKC]float32 // row i of a packed row block at pt[i*n:][:n]
}

// goPass returns the steps of t per pass for a sum of T steps: as even as
// goKC allows, so that no pass is a short remainder.
func goPass(T int) int {
	passes := (T + goKC - 1) / goKC
	return (T + passes - 1) / passes
}

// packB sets bt[j*n+t] = b[(t0+t)*ldb+j0+j] for j < nb, t < n.
func packB(bt []float32, b []float32, ldb, t0, n, j0, nb int) {
	for t := 0; t < n; t++ {
		o := (t0+t)*ldb + j0
		for j, v := range b[o : o+nb] {
			bt[j*n+t] = v
		}
	}
}

// rowsP returns rows r0..r0+mr-1 (mr ≤ goRB) of P(r, t) = p[r*rs+t*cs]
// over steps t0..t0+n-1 as runs lda apart: in place if cs == 1, else
// packed into pt.
func rowsP(pt []float32, p []float32, rs, cs, r0, mr, t0, n int) (a []float32, lda int) {
	if cs == 1 {
		return p[r0*rs+t0:], rs
	}
	if rs == 1 && mr == goRB { // the 8 rows of a step are adjacent: read each step once
		d0 := pt[:n]
		d1, d2, d3 := pt[n : 2*n][:len(d0)], pt[2*n : 3*n][:len(d0)], pt[3*n : 4*n][:len(d0)]
		d4, d5, d6, d7 := pt[4*n : 5*n][:len(d0)], pt[5*n : 6*n][:len(d0)], pt[6*n : 7*n][:len(d0)], pt[7*n : 8*n][:len(d0)]
		o := r0 + t0*cs
		for t := range d0 {
			x := p[o : o+goRB : o+goRB]
			d0[t], d1[t], d2[t], d3[t] = x[0], x[1], x[2], x[3]
			d4[t], d5[t], d6[t], d7[t] = x[4], x[5], x[6], x[7]
			o += cs
		}
		return pt, n
	}
	for i := 0; i < mr; i++ {
		row := pt[i*n : i*n+n]
		for t := range row {
			row[t] = p[(r0+i)*rs+(t0+t)*cs]
		}
	}
	return pt, n
}

// goSums holds the sums of one strip: row i of the strip, column j of the
// panel.
type goSums [4][goLB]float32

// goStrip sets s[i][j] = Σ_{t<n} a[i*lda+t]·bt[j*n+t] for i < mr ≤ 4 and
// j < nb ≤ goLB: 4×4 tiles where wide and the strip has 4 rows, else 2×3
// tiles; edges take smaller pieces.
func goStrip(wide bool, s *goSums, mr int, a []float32, lda int, bt []float32, n, nb int) {
	j := 0
	if wide && mr == 4 {
		for ; j+4 <= nb; j += 4 {
			dot4x4(s, j, a, lda, bt[j*n:], n)
		}
	}
	for i := 0; i < mr; i += 2 {
		a0 := a[i*lda : i*lda+n]
		if i+1 < mr {
			strip2(s, i, j, a0, a[(i+1)*lda:(i+1)*lda+n], bt, nb)
		} else {
			strip1(s, i, j, a0, bt, nb)
		}
	}
}

// strip2 is goStrip for rows i and i+1 (runs a0, a1) and columns j0..nb-1.
func strip2(s *goSums, i, j0 int, a0, a1, bt []float32, nb int) {
	n := len(a0)
	j := j0
	for ; j+3 <= nb; j += 3 {
		s[i][j], s[i][j+1], s[i][j+2], s[i+1][j], s[i+1][j+1], s[i+1][j+2] = dot2x3(a0, a1, bt[j*n:(j+3)*n])
	}
	switch nb - j {
	case 2:
		s[i][j], s[i][j+1], s[i+1][j], s[i+1][j+1] = dot2x2(a0, a1, bt[j*n:(j+2)*n])
	case 1:
		s[i][j], s[i+1][j] = dot2x1(a0, a1, bt[j*n:(j+1)*n])
	}
}

// strip1 is goStrip for the single row i (run a0) and columns j0..nb-1.
func strip1(s *goSums, i, j0 int, a0, bt []float32, nb int) {
	n := len(a0)
	j := j0
	for ; j+3 <= nb; j += 3 {
		s[i][j], s[i][j+1], s[i][j+2] = dot1x3(a0, bt[j*n:(j+3)*n])
	}
	for ; j < nb; j++ {
		s[i][j] = dot1x1(a0, bt[j*n:(j+1)*n])
	}
}

// lanesGo is the portable lanesMul; narrow selects the 2×3 tiles.
func lanesGo(narrow bool, p []float32, rs, cs int, b []float32, ldb, T int, c []float32, ldc int, m []float32, rows, lanes, mode int) {
	mr := 4
	if narrow {
		mr = 2
	}
	var pan goPanels
	var sums goSums
	var blk []float32 // the current block of goRB rows of P, rows blda apart
	var blda int
	kc := goPass(T)
	for t0 := 0; t0 < T; t0 += kc {
		n := min(kc, T-t0)
		last := t0+n == T
		for j0 := 0; j0 < lanes; j0 += goLB {
			nb := min(goLB, lanes-j0)
			packB(pan.bt[:], b, ldb, t0, n, j0, nb)
			for r0 := 0; r0 < rows; r0 += mr {
				if (r0/mr)%(goRB/mr) == 0 {
					blk, blda = rowsP(pan.pt[:], p, rs, cs, r0, min(goRB, rows-r0), t0, n)
				}
				br := min(mr, rows-r0)
				a := blk[(r0%goRB)*blda:]
				goStrip(!narrow, &sums, br, a, blda, pan.bt[:nb*n], n, nb)
				for i := 0; i < br; i++ {
					o := (r0+i)*ldc + j0
					out, s := c[o:o+nb], sums[i][:nb]
					if t0 > 0 { // C holds the earlier passes' sums
						for j := range out {
							s[j] += out[j]
						}
					}
					switch {
					case !last || mode == epiStore:
						copy(out, s)
					case mode == epiReLU:
						for j, v := range s {
							if !(v > 0) {
								v = 0
							}
							out[j] = v
						}
					default:
						mm := m[o : o+nb][:len(s)]
						for j, v := range s {
							if !(mm[j] > 0) {
								v = 0
							}
							out[j] = v
						}
					}
				}
			}
		}
	}
}

// updGo is the portable updMul; narrow selects the 2×3 tiles. Sums longer
// than goKC steps are added to W pass by pass.
func updGo(narrow bool, w []float32, ldw int, p []float32, rs, cs int, d []float32, ldd, T, rows, cols int, alpha float32) {
	mr := 4
	if narrow {
		mr = 2
	}
	var pan goPanels
	var sums goSums
	var blk []float32 // the current block of goRB rows of P, rows blda apart
	var blda int
	kc := goPass(T)
	for t0 := 0; t0 < T; t0 += kc {
		n := min(kc, T-t0)
		for j0 := 0; j0 < cols; j0 += goLB {
			nb := min(goLB, cols-j0)
			packB(pan.bt[:], d, ldd, t0, n, j0, nb)
			for r0 := 0; r0 < rows; r0 += mr {
				if (r0/mr)%(goRB/mr) == 0 {
					blk, blda = rowsP(pan.pt[:], p, rs, cs, r0, min(goRB, rows-r0), t0, n)
				}
				br := min(mr, rows-r0)
				a := blk[(r0%goRB)*blda:]
				goStrip(!narrow, &sums, br, a, blda, pan.bt[:nb*n], n, nb)
				for i := 0; i < br; i++ {
					o := (r0+i)*ldw + j0
					ww := w[o : o+nb]
					for j, v := range sums[i][:len(ww)] {
						ww[j] += alpha * v
					}
				}
			}
		}
	}
}

// dot2x3 returns the six dot products of the runs a0, a1 with the three
// runs of len(a0) in bt, each summed in t order.
func dot2x3(a0, a1, bt []float32) (c00, c01, c02, c10, c11, c12 float32) {
	n := len(a0)
	a1, b0, b1, b2 := a1[:n], bt[:n], bt[n:2*n], bt[2*n:3*n]
	for t, x0 := range a0 {
		x1, y0, y1, y2 := a1[t], b0[t], b1[t], b2[t]
		c00 += x0 * y0
		c01 += x0 * y1
		c02 += x0 * y2
		c10 += x1 * y0
		c11 += x1 * y1
		c12 += x1 * y2
	}
	return
}

// dot2x2 returns the four dot products of a0, a1 with the two runs in bt.
func dot2x2(a0, a1, bt []float32) (c00, c01, c10, c11 float32) {
	n := len(a0)
	a1, b0, b1 := a1[:n], bt[:n], bt[n:2*n]
	for t, x0 := range a0 {
		x1, y0, y1 := a1[t], b0[t], b1[t]
		c00 += x0 * y0
		c01 += x0 * y1
		c10 += x1 * y0
		c11 += x1 * y1
	}
	return
}

// dot2x1 returns the dot products of a0 and a1 with b (all of len(a0)).
func dot2x1(a0, a1, b []float32) (c0, c1 float32) {
	a1, b = a1[:len(a0)], b[:len(a0)]
	for t, x0 := range a0 {
		y := b[t]
		c0 += x0 * y
		c1 += a1[t] * y
	}
	return
}

// dot1x3 returns the dot products of a with the three runs of len(a) in
// bt.
func dot1x3(a, bt []float32) (c0, c1, c2 float32) {
	n := len(a)
	b0, b1, b2 := bt[:n], bt[n:2*n], bt[2*n:3*n]
	for t, x := range a {
		c0 += x * b0[t]
		c1 += x * b1[t]
		c2 += x * b2[t]
	}
	return
}

// dot1x1 returns the dot product of a and b (of len(a)).
func dot1x1(a, b []float32) (c float32) {
	b = b[:len(a)]
	for t, x := range a {
		c += x * b[t]
	}
	return
}

// dot4x4 sets s[i][j0+j] to the dot product of the run a[i*lda:][:n] with
// the run bt[j*n:][:n] for i, j < 4.
func dot4x4(s *goSums, j0 int, a []float32, lda int, bt []float32, n int) {
	a0 := a[:n]
	a1, a2, a3 := a[lda : lda+n][:len(a0)], a[2*lda : 2*lda+n][:len(a0)], a[3*lda : 3*lda+n][:len(a0)]
	b0, b1, b2, b3 := bt[:n][:len(a0)], bt[n : 2*n][:len(a0)], bt[2*n : 3*n][:len(a0)], bt[3*n : 4*n][:len(a0)]
	var c00, c01, c02, c03, c10, c11, c12, c13 float32
	var c20, c21, c22, c23, c30, c31, c32, c33 float32
	for t, x0 := range a0 {
		x1, x2, x3 := a1[t], a2[t], a3[t]
		y0, y1, y2, y3 := b0[t], b1[t], b2[t], b3[t]
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
	}
	s0, s1, s2, s3 := s[0][j0:j0+4], s[1][j0:j0+4], s[2][j0:j0+4], s[3][j0:j0+4]
	s0[0], s0[1], s0[2], s0[3] = c00, c01, c02, c03
	s1[0], s1[1], s1[2], s1[3] = c10, c11, c12, c13
	s2[0], s2[1], s2[2], s2[3] = c20, c21, c22, c23
	s3[0], s3[1], s3[2], s3[3] = c30, c31, c32, c33
}
