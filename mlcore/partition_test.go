package mlcore

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// checkDisjoint fails unless the sets are disjoint subsets of 0..n-1, and
// returns how many indices they cover.
func checkDisjoint(t *testing.T, sets [][]int, n int) int {
	t.Helper()
	seen := make([]bool, n)
	total := 0
	for k, s := range sets {
		for _, i := range s {
			if i < 0 || i >= n || seen[i] {
				t.Fatalf("set %d: index %d out of range or repeated", k, i)
			}
			seen[i] = true
			total++
		}
	}
	return total
}

func TestPartitionPL(t *testing.T) {
	sizes := []int{100, 0, 250, 7}
	a := PartitionPL(rand.New(rand.NewPCG(1, 1)), 1000, sizes)
	for k, s := range a {
		if len(s) != sizes[k] {
			t.Errorf("learner %d got %d samples, want %d", k, len(s), sizes[k])
		}
	}
	checkDisjoint(t, a, 1000)
	b := PartitionPL(rand.New(rand.NewPCG(1, 1)), 1000, sizes)
	c := PartitionPL(rand.New(rand.NewPCG(2, 1)), 1000, sizes)
	if !slices.Equal(a[0], b[0]) || slices.Equal(a[0], c[0]) {
		t.Error("PartitionPL is not a function of the seed")
	}
	defer func() {
		if recover() == nil {
			t.Error("oversubscribed PartitionPL did not panic")
		}
	}()
	PartitionPL(rand.New(rand.NewPCG(1, 1)), 10, []int{6, 5})
}

func TestPartitionIID(t *testing.T) {
	sets := PartitionIID(rand.New(rand.NewPCG(1, 1)), 1003, 10)
	if got := checkDisjoint(t, sets, 1003); got != 1003 {
		t.Errorf("covers %d of 1003", got)
	}
	for k, s := range sets {
		if want := 100 + btoi(k < 3); len(s) != want {
			t.Errorf("learner %d: %d samples, want %d", k, len(s), want)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// classesHeld counts the labels that make up at least 5 % of each set.
func classesHeld(sets [][]int, labels []uint8, classes int) []int {
	out := make([]int, len(sets))
	for k, s := range sets {
		cnt := make([]int, classes)
		for _, i := range s {
			cnt[labels[i]]++
		}
		for _, c := range cnt {
			if len(s) > 0 && float64(c) >= 0.05*float64(len(s)) {
				out[k]++
			}
		}
	}
	return out
}

func TestPartitionDirichlet(t *testing.T) {
	d := Synthetic(5000, 2, 10, 1)
	mean := func(alpha float64) float64 {
		sets := PartitionDirichlet(rand.New(rand.NewPCG(3, 3)), d.Y, 10, 20, alpha)
		if got := checkDisjoint(t, sets, d.N); got != d.N {
			t.Fatalf("alpha %g: covers %d of %d", alpha, got, d.N)
		}
		var s float64
		for _, c := range classesHeld(sets, d.Y, 10) {
			s += float64(c)
		}
		return s / 20
	}
	skewed, iid := mean(0.1), mean(100)
	if !(skewed < 4 && iid > 9) {
		t.Errorf("classes per learner: alpha 0.1 → %.1f (want < 4), alpha 100 → %.1f (want > 9)", skewed, iid)
	}
	a := PartitionDirichlet(rand.New(rand.NewPCG(3, 3)), d.Y, 10, 20, 0.5)
	b := PartitionDirichlet(rand.New(rand.NewPCG(3, 3)), d.Y, 10, 20, 0.5)
	for k := range a {
		if !slices.Equal(a[k], b[k]) {
			t.Fatal("PartitionDirichlet is not a function of the seed")
		}
	}
}

func TestPartitionShards(t *testing.T) {
	d := Synthetic(6000, 2, 10, 2)
	sets := PartitionShards(rand.New(rand.NewPCG(4, 4)), d.Y, 20, 2)
	if got := checkDisjoint(t, sets, d.N); got != 6000 {
		t.Errorf("covers %d of 6000", got)
	}
	for k, c := range classesHeld(sets, d.Y, 10) {
		if len(sets[k]) != 300 || c > 4 {
			t.Errorf("learner %d: %d samples of %d classes, want 300 of at most 4", k, len(sets[k]), c)
		}
	}
	again := PartitionShards(rand.New(rand.NewPCG(4, 4)), d.Y, 20, 2)
	if !slices.Equal(sets[7], again[7]) {
		t.Error("PartitionShards is not a function of the seed")
	}
}

func TestGammaMean(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, shape := range []float64{0.1, 0.5, 1, 3.5} {
		var s float64
		const n = 20000
		for range n {
			s += gamma(rng, shape)
		}
		if m := s / n; m < 0.93*shape || m > 1.07*shape {
			t.Errorf("Gamma(%g) mean %g", shape, m)
		}
	}
}

func TestSubsetAndSynthetic(t *testing.T) {
	d := Synthetic(50, 6, 3, 9)
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, x := range d.X {
		if x < 0 || x > 1 {
			t.Fatalf("feature %g outside [0, 1]", x)
		}
	}
	s := d.Subset([]int{4, 2, 4})
	if s.N != 3 || s.Y[1] != d.Y[2] || !slices.Equal(s.Row(2), d.Row(4)) {
		t.Error("Subset copied the wrong samples")
	}
	s.X[0] = 7
	if d.X[4*6] == 7 {
		t.Error("Subset shares storage")
	}
	if h := d.Head(10); h.N != 10 || &h.X[0] != &d.X[0] {
		t.Error("Head is not a 10-sample view")
	}
	if !slices.Equal(Synthetic(50, 6, 3, 9).X, d.X) {
		t.Error("Synthetic is not a function of the seed")
	}
	bad := *d
	bad.Y = bad.Y[:3]
	if bad.Validate() == nil {
		t.Error("Validate accepted mismatched labels")
	}
}
