package mlcore

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// PartitionPL hands out sample indices for parallelised learning: it
// shuffles 0..n-1 with rng and gives learner k the next sizes[k] of them, so
// the sets are disjoint. It costs O(n). Panics if a size is negative or the
// sizes add up to more than n.
func PartitionPL(rng *rand.Rand, n int, sizes []int) [][]int {
	total := 0
	for k, s := range sizes {
		if s < 0 {
			panic(fmt.Sprintf("mlcore: PartitionPL: sizes[%d] = %d is negative", k, s))
		}
		total += s
	}
	if total > n {
		panic(fmt.Sprintf("mlcore: PartitionPL: sizes add up to %d, more than the %d samples", total, n))
	}
	perm := rng.Perm(n)
	out := make([][]int, len(sizes))
	at := 0
	for k, s := range sizes {
		out[k] = perm[at : at+s : at+s]
		at += s
	}
	return out
}

// PartitionIID splits a shuffle of 0..n-1 into learners disjoint sets whose
// sizes differ by at most one (the first n mod learners sets are larger).
// Panics if learners < 1 or n < 0.
func PartitionIID(rng *rand.Rand, n, learners int) [][]int {
	if learners < 1 || n < 0 {
		panic(fmt.Sprintf("mlcore: PartitionIID(%d samples, %d learners): need n >= 0 and learners >= 1", n, learners))
	}
	sizes := make([]int, learners)
	for k := range sizes {
		sizes[k] = n / learners
		if k < n%learners {
			sizes[k]++
		}
	}
	return PartitionPL(rng, n, sizes)
}

// PartitionDirichlet splits the samples with the given labels (in
// [0, classes)) among learners with label skew: for every class it draws
// proportions from a symmetric Dirichlet(alpha) over the learners and cuts
// that class's shuffled samples accordingly. Small alpha (0.1) gives each
// learner few classes, large alpha (100) approaches IID. Every sample goes
// to exactly one learner; a learner may get none. Each set is sorted.
// Panics if learners < 1, alpha <= 0 or a label is not below classes.
func PartitionDirichlet(rng *rand.Rand, labels []uint8, classes, learners int, alpha float64) [][]int {
	if learners < 1 || !(alpha > 0) || classes < 1 {
		panic(fmt.Sprintf("mlcore: PartitionDirichlet: need learners >= 1 (got %d), alpha > 0 (got %g), classes >= 1 (got %d)", learners, alpha, classes))
	}
	byClass := make([][]int, classes)
	for i, y := range labels {
		if int(y) >= classes {
			panic(fmt.Sprintf("mlcore: PartitionDirichlet: label %d of sample %d is not below %d", y, i, classes))
		}
		byClass[y] = append(byClass[y], i)
	}
	out := make([][]int, learners)
	prop := make([]float64, learners)
	for _, idx := range byClass {
		rng.Shuffle(len(idx), func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		var sum float64
		for k := range prop {
			prop[k] = gamma(rng, alpha)
			sum += prop[k]
		}
		if !(sum > 0) { // every draw underflowed: give the class to one learner
			for k := range prop {
				prop[k] = 0
			}
			prop[rng.IntN(learners)], sum = 1, 1
		}
		var cum float64
		at := 0
		for k := range prop {
			cum += prop[k]
			end := int(math.Round(cum / sum * float64(len(idx))))
			if k == learners-1 {
				end = len(idx)
			}
			end = max(at, min(end, len(idx)))
			out[k] = append(out[k], idx[at:end]...)
			at = end
		}
	}
	for _, s := range out {
		sort.Ints(s)
	}
	return out
}

// PartitionShards gives each learner shardsPerLearner shards of samples of
// similar labels, the non-IID split of McMahan et al. (2 shards per learner
// leaves most learners with two classes): samples are sorted by label (ties
// in shuffled order), cut into learners×shardsPerLearner equal shards (the
// last n mod shards samples are dropped) and the shards are dealt at random.
// Each set is sorted. Panics if learners or shardsPerLearner is below 1 or
// there are fewer samples than shards.
func PartitionShards(rng *rand.Rand, labels []uint8, learners, shardsPerLearner int) [][]int {
	shards := learners * shardsPerLearner
	if learners < 1 || shardsPerLearner < 1 || len(labels) < shards {
		panic(fmt.Sprintf("mlcore: PartitionShards: %d samples, %d learners × %d shards: need learners, shards >= 1 and a sample per shard", len(labels), learners, shardsPerLearner))
	}
	idx := rng.Perm(len(labels))
	sort.SliceStable(idx, func(a, b int) bool { return labels[idx[a]] < labels[idx[b]] })
	size := len(labels) / shards
	order := rng.Perm(shards)
	out := make([][]int, learners)
	for s, sh := range order {
		k := s / shardsPerLearner
		out[k] = append(out[k], idx[sh*size:(sh+1)*size]...)
	}
	for _, s := range out {
		sort.Ints(s)
	}
	return out
}

// gamma draws from Gamma(shape, 1) with Marsaglia and Tsang's method
// (boosted by U^(1/shape) for shape < 1).
func gamma(rng *rand.Rand, shape float64) float64 {
	if shape < 1 {
		u := rng.Float64()
		return gamma(rng, shape+1) * math.Pow(u, 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := rng.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}
