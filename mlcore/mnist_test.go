package mlcore_test

import (
	"math/rand/v2"
	"testing"

	"github.com/mel-des/mel-des/dataset"
	"github.com/mel-des/mel-des/mlcore"
)

// mnistSeq returns 0, 1, …, n−1.
func mnistSeq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func loadMNIST(t testing.TB) (train, test *mlcore.Dataset) {
	t.Helper()
	train, test, err := dataset.LoadMNIST("")
	if err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	return train, test
}

// TestMNISTOneEpoch trains the default network for one epoch over the first
// 10,000 training images and checks the accuracy on all 10,000 test images.
// One such epoch is only just enough, and where it ends depends on the last
// SGD steps: with the paper's batch 32 and learning rate 0.05, seeds 1-8 end
// at 84.5-91.2 % (the same recipe in numpy: 88.1-90.5 %). The test therefore
// uses batch 16 (twice the updates, same learning rate) and asks the mean over
// four seeds to reach 90 % and none to fall below 88 %; seeds 1-4 give
// 91.9, 91.1, 91.3 and 89.9 %. The full 60,000 images at batch 32 reach
// 95-96 % (see BenchmarkMNISTEpoch).
func TestMNISTOneEpoch(t *testing.T) {
	if testing.Short() {
		t.Skip("loads MNIST")
	}
	train, test := loadMNIST(t)
	if train.N != 60000 || test.N != 10000 {
		t.Fatalf("MNIST sizes %d/%d", train.N, test.N)
	}
	var sum float64
	const seeds = 4
	for seed := uint64(1); seed <= seeds; seed++ {
		m := mlcore.NewMLP(nil, seed)
		m.Epoch(train, mnistSeq(10000), mlcore.SGD{Batch: 16, LR: 0.05}, rand.New(rand.NewPCG(seed, 2)), nil)
		loss, acc := mlcore.Evaluate(m, test)
		t.Logf("seed %d: one epoch over 10,000 MNIST images: test loss %.4f, accuracy %.4f", seed, loss, acc)
		if acc < 0.88 {
			t.Errorf("seed %d: accuracy %.4f, want >= 0.88", seed, acc)
		}
		sum += acc
	}
	if mean := sum / seeds; mean < 0.90 {
		t.Errorf("mean accuracy %.4f over %d seeds, want >= 0.90", mean, seeds)
	}
}

// BenchmarkMNISTEpoch trains the default network for one epoch over all
// 60,000 MNIST training images and reports the test accuracy (the paper's
// "one central epoch gives about 95 %") and the training speed.
func BenchmarkMNISTEpoch(b *testing.B) {
	train, test := loadMNIST(b)
	var acc float64
	for b.Loop() {
		m := mlcore.NewMLP(nil, 1)
		m.Epoch(train, mnistSeq(train.N), mlcore.SGD{}, rand.New(rand.NewPCG(1, 2)), nil)
		_, acc = mlcore.Evaluate(m, test)
	}
	b.ReportMetric(100*acc, "accuracy%")
	b.ReportMetric(float64(train.N)*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}
