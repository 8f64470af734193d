package mlcore

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// impls lists the kernel implementations this machine can run, the
// portable reference first.
func impls() []impl {
	ks := []impl{implGo}
	switch {
	case !haveAsm:
	case bestImpl == implNEON:
		ks = append(ks, implNEON)
	case bestImpl == implAVX512:
		ks = append(ks, implAVX2, implAVX512)
	case bestImpl == implAVX2:
		ks = append(ks, implAVX2)
	}
	return ks
}

func randSlice(rng *rand.Rand, n int) []float32 {
	s := make([]float32, n)
	for i := range s {
		s[i] = float32(rng.NormFloat64())
	}
	return s
}

// refLanes is lanesMul in float64, the reference for every implementation.
func refLanes(p []float32, rs, cs int, b []float32, ldb, T int, c []float64, ldc int, m []float32, rows, lanes, mode int) {
	for r := 0; r < rows; r++ {
		for l := 0; l < lanes; l++ {
			var s float64
			for t := 0; t < T; t++ {
				s += float64(p[r*rs+t*cs]) * float64(b[t*ldb+l])
			}
			switch {
			case mode == epiReLU && s < 0:
				s = 0
			case mode == epiMask && !(m[r*ldc+l] > 0):
				s = 0
			}
			c[r*ldc+l] = s
		}
	}
}

func TestLanesMulMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 300; trial++ {
		rows := 1 + rng.IntN(40)
		lanes := laneQuantum * (1 + rng.IntN(4))
		T := rng.IntN(70)
		mode := rng.IntN(3)
		var rs, cs int
		if rng.IntN(2) == 0 {
			rs, cs = 1, rows+rng.IntN(3)
		} else {
			rs, cs = T+rng.IntN(3), 1
		}
		ldb := lanes + laneQuantum*rng.IntN(2)
		ldc := lanes + laneQuantum*rng.IntN(2)
		p := randSlice(rng, rows*rs+T*cs+1)
		b := randSlice(rng, T*ldb+lanes)
		m := randSlice(rng, rows*ldc)
		want := make([]float64, rows*ldc)
		refLanes(p, rs, cs, b, ldb, T, want, ldc, m, rows, lanes, mode)
		for _, k := range impls() {
			c := make([]float32, rows*ldc)
			for i := range c {
				c[i] = float32(math.NaN()) // every written lane must be overwritten
			}
			lanesMul(k, p, rs, cs, b, ldb, T, c, ldc, m, rows, lanes, mode)
			for r := 0; r < rows; r++ {
				for l := 0; l < lanes; l++ {
					i := r*ldc + l
					if d := math.Abs(float64(c[i]) - want[i]); !(d <= 1e-4*(1+math.Sqrt(float64(T)))) {
						t.Fatalf("%v trial %d (rows %d lanes %d T %d mode %d rs %d cs %d): C[%d][%d] = %g, want %g",
							k, trial, rows, lanes, T, mode, rs, cs, r, l, c[i], want[i])
					}
				}
				for l := lanes; l < ldc; l++ {
					if i := r*ldc + l; !math.IsNaN(float64(c[i])) {
						t.Fatalf("%v trial %d: wrote C[%d][%d] beyond lanes", k, trial, r, l)
					}
				}
			}
		}
	}
}

func TestUpdMulMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := 0; trial < 300; trial++ {
		rows := 1 + rng.IntN(30)
		cols := 1 + rng.IntN(150)
		T := 1 + rng.IntN(40)
		var rs, cs int
		if rng.IntN(2) == 0 {
			rs, cs = 1, rows+rng.IntN(3)
		} else {
			rs, cs = T+rng.IntN(3), 1
		}
		ldw := cols + rng.IntN(5)
		ldd := cols + rng.IntN(5)
		alpha := float32(rng.NormFloat64())
		p := randSlice(rng, rows*rs+T*cs+1)
		d := randSlice(rng, T*ldd)
		w0 := randSlice(rng, rows*ldw)
		want := make([]float64, len(w0))
		for i := range w0 {
			want[i] = float64(w0[i])
		}
		for r := 0; r < rows; r++ {
			for j := 0; j < cols; j++ {
				var s float64
				for i := 0; i < T; i++ {
					s += float64(p[r*rs+i*cs]) * float64(d[i*ldd+j])
				}
				want[r*ldw+j] += float64(alpha) * s
			}
		}
		for _, k := range impls() {
			w := append([]float32(nil), w0...)
			updMul(k, w, ldw, p, rs, cs, d, ldd, T, rows, cols, alpha)
			for i := range w {
				tol := 1e-4 * (1 + math.Abs(float64(alpha))) * (1 + math.Sqrt(float64(T)))
				if j := i % ldw; j >= cols {
					tol = 0 // padding columns must be untouched
				}
				if diff := math.Abs(float64(w[i]) - want[i]); !(diff <= tol) {
					t.Fatalf("%v trial %d (rows %d cols %d T %d rs %d cs %d): W[%d][%d] = %g, want %g",
						k, trial, rows, cols, T, rs, cs, i/ldw, i%ldw, w[i], want[i])
				}
			}
		}
	}
}

// TestGatherTranspose compares the assembly gather and transpose (where
// this CPU has them) with the Go loops, bit for bit, on ragged sizes.
func TestGatherTranspose(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := 0; trial < 50; trial++ {
		data := Synthetic(40, 1+rng.IntN(50), 3, uint64(trial))
		n := 1 + rng.IntN(40)
		batch := rng.Perm(40)[:n]
		lanes := (n + 15) / 16 * 16
		ls := lanes + 16*rng.IntN(2)
		want := randSlice(rng, (data.Dim+1)*ls)
		got := append([]float32(nil), want...)
		gather(want, ls, data, batch, lanes)
		if gatherAsm(bestImpl, got, ls, data, batch, lanes) && !slices.Equal(got, want) {
			t.Fatalf("trial %d: gatherAsm differs from gather", trial)
		}
		rows := 1 + rng.IntN(40)
		src := randSlice(rng, rows*ls)
		ld := rows + rng.IntN(3)
		tw := randSlice(rng, n*ld)
		tg := append([]float32(nil), tw...)
		transpose(tw, ld, src, ls, rows, n)
		if transposeAsm(bestImpl, tg, ld, src, ls, rows, n) && !slices.Equal(tg, tw) {
			t.Fatalf("trial %d: transposeAsm differs from transpose", trial)
		}
	}
}

// TestGoKernelShapes runs both kinds of portable kernels (4×4 and 2×3
// tiles; a build uses one) on ragged shapes, any lane count (more than one
// panel of goLB), sums of more than one pass of goKC steps, and all three
// kinds of P strides (rows adjacent, rows contiguous, neither), against
// the float64 reference, with operands no longer than lanesMul and updMul
// require.
func TestGoKernelShapes(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	strides := func(rows, T int) (rs, cs int) {
		switch rng.IntN(3) {
		case 0:
			return 1, rows + rng.IntN(3)
		case 1:
			return T + rng.IntN(3), 1
		}
		return 2, 2*rows + 1
	}
	for trial := 0; trial < 300; trial++ {
		rows := 1 + rng.IntN(20)
		lanes := 1 + rng.IntN(40)
		T := 1 + rng.IntN(50)
		if trial%8 == 0 {
			T = goKC + 1 + rng.IntN(2*goKC)
		}
		mode := rng.IntN(3)
		rs, cs := strides(rows, T)
		ldb := lanes + rng.IntN(3)
		ldc := lanes + rng.IntN(3)
		// No slack: the kernels must read only what they need.
		p := randSlice(rng, (rows-1)*rs+(T-1)*cs+1)
		b := randSlice(rng, (T-1)*ldb+lanes)
		m := randSlice(rng, rows*ldc)
		want := make([]float64, rows*ldc)
		refLanes(p, rs, cs, b, ldb, T, want, ldc, m, rows, lanes, mode)
		for _, narrow := range []bool{false, true} {
			c := make([]float32, rows*ldc)
			for i := range c {
				c[i] = float32(math.NaN())
			}
			lanesGo(narrow, p, rs, cs, b, ldb, T, c, ldc, m, rows, lanes, mode)
			for i := range c {
				if i%ldc >= lanes {
					if !math.IsNaN(float64(c[i])) {
						t.Fatalf("lanesGo narrow=%v trial %d: wrote C[%d][%d] beyond lanes", narrow, trial, i/ldc, i%ldc)
					}
					continue
				}
				if d := math.Abs(float64(c[i]) - want[i]); !(d <= 1e-4*(1+math.Sqrt(float64(T)))) {
					t.Fatalf("lanesGo narrow=%v trial %d (rows %d lanes %d T %d mode %d rs %d cs %d): C[%d][%d] = %g, want %g",
						narrow, trial, rows, lanes, T, mode, rs, cs, i/ldc, i%ldc, c[i], want[i])
				}
			}
		}

		cols := lanes
		ldw, ldd := cols+rng.IntN(3), ldb
		alpha := float32(rng.NormFloat64())
		w0 := randSlice(rng, rows*ldw)
		wantW := make([]float64, len(w0))
		for r := 0; r < rows; r++ {
			for j := 0; j < ldw; j++ {
				wantW[r*ldw+j] = float64(w0[r*ldw+j])
				if j >= cols {
					continue
				}
				var s float64
				for i := 0; i < T; i++ {
					s += float64(p[r*rs+i*cs]) * float64(b[i*ldd+j])
				}
				wantW[r*ldw+j] += float64(alpha) * s
			}
		}
		for _, narrow := range []bool{false, true} {
			w := append([]float32(nil), w0...)
			updGo(narrow, w, ldw, p, rs, cs, b, ldd, T, rows, cols, alpha)
			for i := range w {
				tol := 1e-4 * (1 + math.Abs(float64(alpha))) * (1 + math.Sqrt(float64(T)))
				if i%ldw >= cols {
					tol = 0
				}
				if d := math.Abs(float64(w[i]) - wantW[i]); !(d <= tol) {
					t.Fatalf("updGo narrow=%v trial %d (rows %d cols %d T %d rs %d cs %d): W[%d][%d] = %g, want %g",
						narrow, trial, rows, cols, T, rs, cs, i/ldw, i%ldw, w[i], wantW[i])
				}
			}
		}
	}
}

// TestGeneratedKernelsUpToDate runs the kernel generator into a temporary
// directory and requires every file it writes to be committed byte for
// byte, so that an edit of gen_kernels*.go without `go generate ./mlcore`
// fails here, on any machine.
func TestGeneratedKernelsUpToDate(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("no go command to run the generator: %v", err)
	}
	dir := t.TempDir()
	cmd := exec.Command(goTool, "run", "gen_kernels.go", "gen_kernels_neon.go", "-o", dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go run gen_kernels.go gen_kernels_neon.go: %v\n%s", err, out)
	}
	want := []string{"kernels_amd64.s", "kernels_arm64.s", "kernels_gen_amd64.go", "kernels_gen_arm64.go"}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if !slices.Equal(got, want) {
		t.Errorf("the generator wrote %v, want %v", got, want)
	}
	for _, name := range got {
		gen, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		committed, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(gen, committed) {
			t.Errorf("%s is stale: run go generate ./mlcore", name)
		}
	}
}
