package sweep

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// fileLock is the lock file next to a results file, held while a sweep or a merge writes
// the results. The file itself stays after a run that wrote results, holding nothing; a
// run that refuses its input removes the lock file again if it created it, so that a
// refused command leaves no file behind.
type fileLock struct {
	f       *os.File
	created bool // this process created the lock file
}

// lockResults takes the lock of the results file at path without waiting. It reports
// ok = false, with a nil lock, if another process holds it.
//
// A lock file that another process removed between our open and our lock (after a refusal
// of its own) is not a lock anyone else will see, so the lock is taken again on the file
// now at that path.
func lockResults(path string) (l *fileLock, ok bool, err error) {
	name := path + LockSuffix
	for range 10 {
		created := true
		f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o644)
		if errors.Is(err, fs.ErrExist) {
			created = false
			f, err = os.OpenFile(name, os.O_RDWR, 0)
			if errors.Is(err, fs.ErrNotExist) {
				continue // removed since: create it
			}
		}
		if err != nil {
			return nil, false, fmt.Errorf("sweep: %w", err)
		}
		if ok, err := tryLock(f); err != nil || !ok {
			f.Close()
			if err != nil {
				return nil, false, fmt.Errorf("sweep: locking %s: %w", name, err)
			}
			return nil, false, nil
		}
		st, err1 := f.Stat()
		cur, err2 := os.Stat(name)
		if err1 == nil && err2 == nil && os.SameFile(st, cur) {
			return &fileLock{f: f, created: created}, true, nil
		}
		f.Close()
	}
	return nil, false, fmt.Errorf("sweep: %s keeps disappearing; is another program removing it?", name)
}

// release releases the lock. With refused set, a lock file that this process created is
// removed first, while still held: nothing was written, so nothing should be left behind.
func (l *fileLock) release(refused bool) {
	if refused && l.created {
		os.Remove(l.f.Name())
	}
	l.f.Close()
}

// mkdirs creates dir and any missing parents, like os.MkdirAll, and returns a function that
// removes the directories it created again, deepest first, each only if still empty.
func mkdirs(dir string) (undo func(), err error) {
	var missing []string
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || !errors.Is(err, fs.ErrNotExist) {
			break
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return func() {}, fmt.Errorf("sweep: %w", err)
	}
	return func() {
		for _, d := range missing {
			os.Remove(d)
		}
	}, nil
}
