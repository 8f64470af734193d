package aggregate

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/param"
)

// randomModels returns a global model and n learner models of the same small network, each
// with its own random parameters.
func randomModels(n int, seed uint64) (*mlcore.MLP, []*mlcore.MLP) {
	sizes := []int{6, 5, 3}
	g := mlcore.NewMLP(sizes, seed)
	ms := make([]*mlcore.MLP, n)
	for i := range ms {
		ms[i] = mlcore.NewMLP(sizes, seed+uint64(i)+1)
	}
	return g, ms
}

func TestStalenessAtDefiningPoints(t *testing.T) {
	tests := []struct {
		s     Staleness
		stale int
		want  float64
	}{
		{Staleness{Func: Constant}, 0, 1},
		{Staleness{Func: Constant}, 1000, 1},
		{Staleness{Func: Polynomial, A: 0.5}, 0, 1},
		{Staleness{Func: Polynomial, A: 0.5}, 3, 0.5},      // 4^(−1/2)
		{Staleness{Func: Polynomial, A: 1}, 1, 0.5},        // 2^(−1)
		{Staleness{Func: Polynomial, A: 2}, 9, 0.01},       // 10^(−2)
		{Staleness{Func: Polynomial, A: 0}, 50, 1},         // a = 0 is constant
		{Staleness{Func: Hinge, A: 10, B: 4}, 0, 1},        // below the threshold
		{Staleness{Func: Hinge, A: 10, B: 4}, 4, 1},        // at the threshold
		{Staleness{Func: Hinge, A: 10, B: 4}, 5, 1.0 / 11}, // 1/(10·1 + 1)
		{Staleness{Func: Hinge, A: 10, B: 4}, 6, 1.0 / 21}, // 1/(10·2 + 1)
		{Staleness{Func: Hinge, A: 1, B: 0}, 1, 0.5},       // 1/(1·1 + 1)
		{Staleness{Func: Hinge, A: 0, B: 2}, 100, 1},       // slope 0 is constant
	}
	for _, tc := range tests {
		if got := tc.s.Weight(tc.stale); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("%v at staleness %d = %v, want %v", tc.s, tc.stale, got, tc.want)
		}
	}
}

// Every staleness function is 1 when fresh, in (0, 1] and non-increasing.
func TestStalenessMonotone(t *testing.T) {
	for _, s := range []Staleness{{Func: Constant}, {Func: Polynomial, A: 0.5}, {Func: Polynomial, A: 3},
		{Func: Hinge, A: 10, B: 4}, {Func: Hinge, A: 0.1, B: 0}} {
		prev := s.Weight(0)
		if prev != 1 {
			t.Errorf("%v: weight %v at staleness 0, want 1", s, prev)
		}
		for st := 1; st < 200; st++ {
			w := s.Weight(st)
			if !(w > 0 && w <= prev) {
				t.Fatalf("%v: weight %v at staleness %d after %v", s, w, st, prev)
			}
			prev = w
		}
	}
}

// FedAsync with α = 1 and a fresh update replaces the global model by the learner's, bit for bit.
func TestFedAsyncWeightOneIsTheLearnersModel(t *testing.T) {
	g, ms := randomModels(1, 3)
	a := &FedAsync{Alpha: 1, Staleness: Staleness{Func: Polynomial, A: 0.5}}
	c := a.Add(g, Update{Learner: 7, Model: ms[0], Weight: 100})
	if len(c) != 1 || c[0].Learner != 7 || c[0].Weight != 1 {
		t.Fatalf("contributions %+v, want learner 7 with weight 1", c)
	}
	for i, x := range g.Params() {
		if x != ms[0].Params()[i] {
			t.Fatalf("parameter %d: %v, want the learner's %v", i, x, ms[0].Params()[i])
		}
	}
}

// FedAsync mixes with α·s(staleness), in float64.
func TestFedAsyncMixes(t *testing.T) {
	g, ms := randomModels(1, 5)
	before := g.Clone()
	a := &FedAsync{Alpha: 0.8, Staleness: Staleness{Func: Polynomial, A: 1}}
	c := a.Add(g, Update{Model: ms[0], Weight: 1, Version: 2, Staleness: 3}) // α_t = 0.8/4 = 0.2
	if c[0].Weight != 0.2 || c[0].Staleness != 3 || c[0].Version != 2 {
		t.Fatalf("contribution %+v, want weight 0.2, staleness 3, version 2", c[0])
	}
	for i, x := range g.Params() {
		want := float32(0.8*float64(before.Params()[i]) + 0.2*float64(ms[0].Params()[i]))
		if x != want {
			t.Fatalf("parameter %d: %v, want %v", i, x, want)
		}
	}
	if a.Flush(g) != nil {
		t.Error("FedAsync.Flush returned contributions; it buffers nothing")
	}
}

// FedBuff with M = K fresh updates from one global model and η = 1 is FedAvg of the same models.
func TestFedBuffFullBufferIsFedAvg(t *testing.T) {
	const K = 5
	g, ms := randomModels(K, 11)
	weights := []float64{300, 1200, 50, 800, 650}
	avg := g.Clone()
	fa := &FedAvg{}
	fb := &FedBuff{M: K, LR: 1, Staleness: Staleness{Func: Hinge, A: 10, B: 0}}
	buf := g.Clone()
	base := g.Clone()
	for k := range K {
		u := Update{Learner: k, Model: ms[k], Base: base, Weight: weights[k]}
		if fa.Add(avg, u) != nil {
			t.Fatal("FedAvg.Add published")
		}
		c := fb.Add(buf, u)
		if k < K-1 && c != nil {
			t.Fatalf("FedBuff published after %d of %d updates", k+1, K)
		}
		if k == K-1 && len(c) != K {
			t.Fatalf("FedBuff published %d contributions after %d updates, want %d", len(c), K, K)
		}
	}
	ca := fa.Flush(avg)
	for i, x := range buf.Params() {
		if y := avg.Params()[i]; math.Abs(float64(x-y)) > 1e-6*math.Max(1, math.Abs(float64(y))) {
			t.Fatalf("parameter %d: FedBuff %v, FedAvg %v", i, x, y)
		}
	}
	var sum float64
	for k, c := range ca {
		sum += c.Weight
		if c.Learner != k || math.Abs(c.Weight-weights[k]/3000) > 1e-15 {
			t.Errorf("FedAvg contribution %+v, want learner %d weight %v", c, k, weights[k]/3000)
		}
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("FedAvg weights sum to %v", sum)
	}
	if fa.Flush(avg) != nil || fb.Flush(buf) != nil {
		t.Error("a second Flush returned contributions")
	}
}

// FedBuff discounts a stale delta and scales the step by the server learning rate.
func TestFedBuffStalenessAndLearningRate(t *testing.T) {
	g, ms := randomModels(2, 21)
	base := g.Clone()
	fb := &FedBuff{M: 2, LR: 0.5, Staleness: Staleness{Func: Polynomial, A: 1}}
	if fb.Add(g, Update{Learner: 0, Model: ms[0], Base: base, Weight: 1}) != nil {
		t.Fatal("published after 1 of 2")
	}
	c := fb.Add(g, Update{Learner: 1, Model: ms[1], Base: base, Weight: 3, Staleness: 1}) // s = 1/2
	// x ← base + 0.5·(1·Δ0 + 3·0.5·Δ1)/4
	wantW := []float64{0.5 * 1 / 4, 0.5 * 1.5 / 4}
	for k, cc := range c {
		if math.Abs(cc.Weight-wantW[k]) > 1e-15 {
			t.Errorf("contribution %d weight %v, want %v", k, cc.Weight, wantW[k])
		}
	}
	for i, x := range g.Params() {
		b := float64(base.Params()[i])
		d0, d1 := float64(ms[0].Params()[i])-b, float64(ms[1].Params()[i])-b
		want := b + wantW[0]*d0 + wantW[1]*d1
		if math.Abs(float64(x)-want) > 1e-6 {
			t.Fatalf("parameter %d: %v, want %v", i, x, want)
		}
	}
}

// FedBuff's Flush applies a partly filled buffer; M = 1 applies every update.
func TestFedBuffPartialFlush(t *testing.T) {
	g, ms := randomModels(3, 31)
	base := g.Clone()
	fb := &FedBuff{M: 10, LR: 1, Staleness: Staleness{Func: Constant}}
	for k := range 3 {
		if fb.Add(g, Update{Learner: k, Model: ms[k], Base: base, Weight: 1}) != nil {
			t.Fatal("published before the buffer was full")
		}
	}
	if c := fb.Flush(g); len(c) != 3 {
		t.Fatalf("Flush merged %d updates, want 3", len(c))
	}
	one := &FedBuff{M: 1, LR: 1, Staleness: Staleness{Func: Constant}}
	g1 := base.Clone()
	if c := one.Add(g1, Update{Model: ms[0], Base: base, Weight: 5}); len(c) != 1 || c[0].Weight != 1 {
		t.Fatalf("M = 1: contributions %+v, want one of weight 1", c)
	}
	for i, x := range g1.Params() {
		if math.Abs(float64(x-ms[0].Params()[i])) > 1e-6 {
			t.Fatalf("M = 1, fresh, η = 1: parameter %d is %v, want the update's %v", i, x, ms[0].Params()[i])
		}
	}
}

// Without a global model (a run that trains nothing) the aggregators still decide when to
// publish and report the same contributions.
func TestNilGlobalKeepsTheBookkeeping(t *testing.T) {
	fb := &FedBuff{M: 2, LR: 1, Staleness: Staleness{Func: Constant}}
	if fb.Add(nil, Update{Learner: 1, Weight: 2}) != nil {
		t.Fatal("published after 1 of 2")
	}
	if c := fb.Add(nil, Update{Learner: 2, Weight: 2}); len(c) != 2 || c[1].Weight != 0.5 {
		t.Fatalf("contributions %+v", c)
	}
	fa := &FedAsync{Alpha: 0.5, Staleness: Staleness{Func: Constant}}
	if c := fa.Add(nil, Update{Weight: 1}); len(c) != 1 || c[0].Weight != 0.5 {
		t.Fatalf("contributions %+v", c)
	}
	avg := &FedAvg{}
	avg.Add(nil, Update{Learner: 4, Weight: 1})
	if c := avg.Flush(nil); len(c) != 1 || c[0].Weight != 1 {
		t.Fatalf("contributions %+v", c)
	}
}

// The registry checks names, schedules and parameters, and names the key of every problem.
func TestResolveProblems(t *testing.T) {
	tests := []struct {
		c     Config
		async bool
		key   string
		msg   string
	}{
		{Config{Name: "fedprox"}, true, "name", "want one of"},
		{Config{Name: "fedbuff"}, false, "name", "needs the asynchronous schedule"},
		{Config{Name: "fedasync"}, false, "name", "needs the asynchronous schedule"},
		{Config{Name: "fedavg"}, true, "name", "does not combine with the asynchronous schedule"},
		{Config{Name: "fedbuff", Params: param.Values{"buffer_size": int64(0)}}, true, "buffer_size", "out of range"},
		{Config{Name: "fedasync", Params: param.Values{"alpha": -0.5}}, true, "alpha", "out of range"},
		{Config{Name: "fedasync", Params: param.Values{"alpha": 1.5}}, true, "alpha", "out of range"},
		{Config{Name: "fedasync", Params: param.Values{"staleness": "exponential"}}, true, "staleness", "want one of"},
		{Config{Name: "fedbuff", Params: param.Values{"staleness_b": int64(3)}}, true, "staleness_b", "not used by staleness = \"polynomial\""},
		{Config{Name: "fedasync", Params: param.Values{"staleness": "constant", "staleness_a": 2.0}}, true, "staleness_a", "not used"},
		{Config{Name: "fedavg", Params: param.Values{"alpha": 0.5}}, false, "alpha", "unknown parameter"},
		{Config{Name: "fedbuff", Params: param.Values{"server_lr": 0.0}}, true, "server_lr", "out of range"},
	}
	for _, tc := range tests {
		_, _, err := tc.c.Resolve(tc.async)
		found := false
		for _, p := range param.Problems(err) {
			if p.Key == tc.key && strings.Contains(p.Msg, tc.msg) {
				found = true
			}
		}
		if !found {
			t.Errorf("%+v (async %v): got %v, want a problem at %s containing %q", tc.c, tc.async, err, tc.key, tc.msg)
		}
	}
	for _, ok := range []struct {
		c     Config
		async bool
	}{
		{Config{}, false}, {Config{}, true}, {Config{Name: "fedbuff", Params: param.Values{"staleness": "hinge", "staleness_b": int64(2)}}, true},
	} {
		if _, _, err := ok.c.Resolve(ok.async); err != nil {
			t.Errorf("%+v (async %v): %v", ok.c, ok.async, err)
		}
	}
	if n := (Config{}).NameFor(false); n != DefaultSync {
		t.Errorf("default synchronous scheme %q", n)
	}
	if n := (Config{}).NameFor(true); n != DefaultAsync {
		t.Errorf("default asynchronous scheme %q", n)
	}
}

// Every registered scheme builds with its defaults in each schedule it combines with, and
// its defaults pass its own specs.
func TestRegisteredSchemesBuild(t *testing.T) {
	if len(Kinds()) < 3 {
		t.Fatalf("registered: %v", Kinds())
	}
	for _, n := range Kinds() {
		k, _ := Lookup(n)
		for _, async := range []bool{false, true} {
			if async && !k.Async || !async && !k.Sync {
				continue
			}
			if _, _, err := (Config{Name: n}).New(async); err != nil {
				t.Errorf("%s (async %v): %v", n, async, err)
			}
		}
	}
}

// Aggregation depends only on the inputs and their order: two aggregators fed the same
// updates give the same bits.
func TestDeterministic(t *testing.T) {
	run := func() []float32 {
		g, ms := randomModels(6, 41)
		base := g.Clone()
		r := rand.New(rand.NewPCG(1, 2))
		fb := &FedBuff{M: 4, LR: 0.7, Staleness: Staleness{Func: Polynomial, A: 0.5}}
		fa := &FedAsync{Alpha: 0.6, Staleness: Staleness{Func: Hinge, A: 10, B: 1}}
		for i := range 12 {
			u := Update{Learner: i % 6, Model: ms[i%6], Base: base, Weight: float64(1 + r.IntN(500)), Staleness: r.IntN(5)}
			fb.Add(g, u)
			fa.Add(g, u)
		}
		return append([]float32(nil), g.Params()...)
	}
	a, b := run(), run()
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			t.Fatalf("parameter %d differs: %v vs %v", i, a[i], b[i])
		}
	}
}

// Resolve leaves out the staleness keys the chosen function does not use, so that a resolved
// scenario written back reads again.
func TestResolveDropsUnusedStalenessKeys(t *testing.T) {
	for f, want := range map[string][]string{
		Constant:   {"alpha", "staleness"},
		Polynomial: {"alpha", "staleness", "staleness_a"},
		Hinge:      {"alpha", "staleness", "staleness_a", "staleness_b"},
	} {
		_, p, err := Config{Name: "fedasync", Params: param.Values{"staleness": f}}.Resolve(true)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(p.Keys(), " "); got != strings.Join(want, " ") {
			t.Errorf("%s: keys %s, want %v", f, got, want)
		}
		if _, _, err := (Config{Name: "fedasync", Params: p}).Resolve(true); err != nil {
			t.Errorf("%s: the resolved parameters do not resolve again: %v", f, err)
		}
	}
}
