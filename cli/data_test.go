package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/dataset"
)

// fakeMNIST writes files named names into a new directory, each holding its own name, and
// returns the directory.
func fakeMNIST(t *testing.T, names ...string) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("contents of "+n), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// dirFiles returns the names in dir, hidden ones included, sorted.
func dirFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// sameFiles fails unless every file named in names has the same bytes in a and b.
func sameFiles(t *testing.T, a, b string, names []string) {
	t.Helper()
	for _, n := range names {
		x, errX := os.ReadFile(filepath.Join(a, n))
		y, errY := os.ReadFile(filepath.Join(b, n))
		if errX != nil || errY != nil || !bytes.Equal(x, y) {
			t.Errorf("%s: %v, %v, or the bytes differ", n, errX, errY)
		}
	}
}

// data export copies the four files as they are, gzipped or not, into a new directory and
// writes nothing else there.
func TestDataExportCopies(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files []string
	}{
		{"plain", []string{"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte", "train-images-idx3-ubyte", "train-labels-idx1-ubyte"}},
		{"gzipped", []string{"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"}},
		{"mixed", []string{"t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := fakeMNIST(t, tc.files...)
			t.Setenv(dataset.MNISTDirEnv, src)
			dst := filepath.Join(t.TempDir(), "a", "mnist")
			code, out, errs := runCLI(t, context.Background(), "data", "export", dst)
			if code != exitOK {
				t.Fatalf("exit %d\n%s%s", code, out, errs)
			}
			want := slices.Sorted(slices.Values(tc.files))
			if got := dirFiles(t, dst); !slices.Equal(got, want) {
				t.Errorf("exported %v, want %v", got, want)
			}
			sameFiles(t, src, dst, tc.files)
			if !strings.Contains(out, "exported 4 MNIST files") || !strings.Contains(out, dataset.MNISTDirEnv+"=") {
				t.Errorf("output %q does not say what was exported and how to use it", out)
			}
		})
	}
}

// A directory that holds files is refused (exit 2, nothing changed) unless --force, which
// replaces the idx files and removes a stale other form of one; a source missing a file
// fails before anything is written; the source itself is refused as the destination.
func TestDataExportRefuses(t *testing.T) {
	src := fakeMNIST(t, mnistFiles...)
	t.Setenv(dataset.MNISTDirEnv, src)
	dst := fakeMNIST(t, "notes.txt", "train-images-idx3-ubyte.gz")
	code, _, errs := runCLI(t, context.Background(), "data", "export", dst)
	if code != exitUsage || !strings.Contains(errs, "--force") {
		t.Errorf("non-empty directory: exit %d, stderr %q; want 2 and a hint at --force", code, errs)
	}
	if got := dirFiles(t, dst); !slices.Equal(got, []string{"notes.txt", "train-images-idx3-ubyte.gz"}) {
		t.Errorf("a refused export changed the directory: %v", got)
	}
	code, out, errs := runCLI(t, context.Background(), "data", "export", "--force", dst)
	if code != exitOK {
		t.Fatalf("--force: exit %d\n%s%s", code, out, errs)
	}
	want := slices.Sorted(slices.Values(append([]string{"notes.txt"}, mnistFiles...)))
	if got := dirFiles(t, dst); !slices.Equal(got, want) {
		t.Errorf("after --force: %v, want %v (the stale .gz removed, notes.txt kept)", got, want)
	}
	sameFiles(t, src, dst, mnistFiles)

	code, _, errs = runCLI(t, context.Background(), "data", "export", "--force", src)
	if code != exitUsage || !strings.Contains(errs, "read from") {
		t.Errorf("export onto the source: exit %d, stderr %q; want 2", code, errs)
	}

	partial := fakeMNIST(t, mnistFiles[:3]...)
	t.Setenv(dataset.MNISTDirEnv, partial)
	dst = filepath.Join(t.TempDir(), "out")
	code, _, errs = runCLI(t, context.Background(), "data", "export", dst)
	if code != exitFailure || !strings.Contains(errs, mnistFiles[3]) {
		t.Errorf("source without %s: exit %d, stderr %q; want 1 and the file named", mnistFiles[3], code, errs)
	}
	if _, err := os.Stat(dst); err == nil {
		t.Errorf("a failed export created %s", dst)
	}
}

func TestDataUsage(t *testing.T) {
	for _, args := range [][]string{{"data"}, {"data", "import", "x"}, {"data", "export"}, {"data", "export", "a", "b"}} {
		code, _, errs := runCLI(t, context.Background(), args...)
		if code != exitUsage || errs == "" {
			t.Errorf("%q: exit %d, stderr %q; want 2 and a message", args, code, errs)
		}
	}
	code, out, _ := runCLI(t, context.Background(), "help", "data")
	for _, want := range []string{"Usage: mel-des data export DIR", dataset.MNISTDirEnv, "dataset.dir", "--force", "-quiet"} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("help data: exit %d, lacks %q:\n%s", code, want, out)
		}
	}
}

// An export of the real MNIST files loads, with the data set's sizes, from the exported
// directory alone: the file names here are the ones dataset reads.
func TestDataExportLoads(t *testing.T) {
	if testing.Short() {
		t.Skip("loads MNIST")
	}
	dst := filepath.Join(t.TempDir(), "mnist")
	code, out, errs := runCLI(t, context.Background(), "data", "export", dst)
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out, errs)
	}
	train, test, err := dataset.LoadMNIST(dst)
	if err != nil {
		t.Fatal(err)
	}
	if train.N != 60000 || test.N != 10000 {
		t.Errorf("loaded %d training and %d test images from the export, want 60000 and 10000", train.N, test.N)
	}
}

// mnistFiles are the four idx file names, in the order dataset reads them.
var mnistFiles = []string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}
