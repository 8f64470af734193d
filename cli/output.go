package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// atomicFile is an output file that appears under its name only once it is complete: it is
// written to a hidden partial file in the same directory and renamed by Commit. A file whose
// writing failed is removed by Abort, so a run directory never holds a truncated output.
type atomicFile struct {
	f    *os.File
	path string
}

func createAtomic(path string) (*atomicFile, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".partial-*")
	if err != nil {
		return nil, err
	}
	return &atomicFile{f: f, path: path}, nil
}

func (a *atomicFile) Write(p []byte) (int, error) { return a.f.Write(p) }

// Commit syncs the file and gives it its final name.
func (a *atomicFile) Commit() error {
	if err := a.f.Sync(); err != nil {
		a.Abort()
		return err
	}
	if err := a.f.Close(); err != nil {
		os.Remove(a.f.Name())
		return err
	}
	if err := os.Chmod(a.f.Name(), 0o644); err != nil {
		os.Remove(a.f.Name())
		return err
	}
	return os.Rename(a.f.Name(), a.path)
}

// Abort discards the file.
func (a *atomicFile) Abort() {
	a.f.Close()
	os.Remove(a.f.Name())
}

var _ io.Writer = (*atomicFile)(nil)

// writeFileAtomic writes data to path through an atomicFile.
func writeFileAtomic(path string, data []byte) error {
	a, err := createAtomic(path)
	if err != nil {
		return err
	}
	if _, err := a.Write(data); err != nil {
		a.Abort()
		return err
	}
	return a.Commit()
}

// prepareRunDir returns the directory a run writes to. An explicit dir is created if needed;
// if it already holds files, it is refused unless force is set. Without an explicit dir, a
// fresh runs/<name>-<time> directory is made (with a numeric suffix if that exists).
func prepareRunDir(dir, name string, force bool, now time.Time) (string, error) {
	if dir != "" {
		entries, err := os.ReadDir(dir)
		switch {
		case errors.Is(err, os.ErrNotExist):
			return dir, os.MkdirAll(dir, 0o755)
		case err != nil:
			return "", usageErrorf("output directory %s: %v", dir, err)
		case len(entries) > 0 && !force:
			return "", usageErrorf("output directory %s is not empty; choose another with --out or pass --force to overwrite its files", dir)
		}
		return dir, nil
	}
	base := filepath.Join("runs", fmt.Sprintf("%s-%s", name, now.Format("20060102-150405")))
	if err := os.MkdirAll("runs", 0o755); err != nil {
		return "", err
	}
	for i := 1; ; i++ {
		d := base
		if i > 1 {
			d = fmt.Sprintf("%s-%d", base, i)
		}
		err := os.Mkdir(d, 0o755)
		if err == nil {
			return d, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return "", err
		}
	}
}
