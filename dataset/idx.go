package dataset

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/param"
)

// The idx format (LeCun's MNIST files): a big-endian magic number 0x0000TTNN, where TT = 0x08
// is unsigned bytes and NN the number of dimensions, then NN big-endian uint32 sizes, then
// the data. Images are N × rows × cols bytes (or N × features), labels N bytes.
const (
	idxUbyte     = 0x08
	maxIdxDim    = 1 << 24
	maxIdxLabels = 256     // mlcore stores labels in a byte
	maxIdxBytes  = 8 << 30 // a data set held as float32 four times over: 32 GiB
)

// The file names of the MNIST distribution, also used by Fashion-MNIST and KMNIST.
const (
	mnistTrainImages = "train-images-idx3-ubyte"
	mnistTrainLabels = "train-labels-idx1-ubyte"
	mnistTestImages  = "t10k-images-idx3-ubyte"
	mnistTestLabels  = "t10k-labels-idx1-ubyte"
)

// idxFiles names the four files of an idx data set in a directory.
type idxFiles struct {
	dir                                              string
	trainImages, trainLabels, testImages, testLabels string
}

func (f idxFiles) names() [4]string {
	return [4]string{f.trainImages, f.trainLabels, f.testImages, f.testLabels}
}

// findIdx returns the path of name or name.gz in dir.
func findIdx(dir, name string) (string, error) {
	for _, n := range []string{name, name + ".gz"} {
		p := filepath.Join(dir, n)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("file %s(.gz) not found in %s", name, dir)
}

// openIdx opens an idx file, transparently un-gzipping it (by content, not by name).
func openIdx(path string) (io.Reader, func() error, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(f, 1<<16)
	if head, err := br.Peek(2); err == nil && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			f.Close()
			return nil, nil, fmt.Errorf("%s: bad gzip stream: %v", path, err)
		}
		return zr, f.Close, nil
	}
	return br, f.Close, nil
}

// readIdxHeader reads the magic number and the sizes of an idx file of unsigned bytes with
// between minDims and maxDims dimensions.
func readIdxHeader(r io.Reader, path string, minDims, maxDims int) ([]int, error) {
	var magic uint32
	if err := binary.Read(r, binary.BigEndian, &magic); err != nil {
		return nil, fmt.Errorf("%s: truncated or unreadable header: %v", path, err)
	}
	nd := int(magic & 0xff)
	if magic>>16 != 0 || (magic>>8)&0xff != idxUbyte || nd < minDims || nd > maxDims {
		want := fmt.Sprintf("0x%08x", idxUbyte<<8|minDims)
		if maxDims > minDims {
			want = fmt.Sprintf("0x%08x to 0x%08x", idxUbyte<<8|minDims, idxUbyte<<8|maxDims)
		}
		return nil, fmt.Errorf("%s: magic number 0x%08x, want %s (unsigned bytes, %d to %d dimensions); is this an idx file?", path, magic, want, minDims, maxDims)
	}
	raw := make([]uint32, nd)
	if err := binary.Read(r, binary.BigEndian, raw); err != nil {
		return nil, fmt.Errorf("%s: truncated or unreadable header: %v", path, err)
	}
	dims := make([]int, nd)
	for i, d := range raw {
		if d == 0 || d > maxIdxDim {
			return nil, fmt.Errorf("%s: implausible dimension %d", path, d)
		}
		dims[i] = int(d)
	}
	return dims, nil
}

// idxImagesHeader returns the number of images and features of an images file.
func idxImagesHeader(path string) (n, features int, err error) {
	r, closeFn, err := openIdx(path)
	if err != nil {
		return 0, 0, err
	}
	defer closeFn()
	dims, err := readIdxHeader(r, path, 2, 4)
	if err != nil {
		return 0, 0, err
	}
	features = 1
	for _, d := range dims[1:] {
		features *= d
	}
	if features > maxIdxDim {
		return 0, 0, fmt.Errorf("%s: %d features per image: too many", path, features)
	}
	return dims[0], features, nil
}

// readIdxImages reads an images file with pixels scaled to [0, 1].
func readIdxImages(path string) (x []float32, n, features int, err error) {
	r, closeFn, err := openIdx(path)
	if err != nil {
		return nil, 0, 0, err
	}
	defer closeFn()
	dims, err := readIdxHeader(r, path, 2, 4)
	if err != nil {
		return nil, 0, 0, err
	}
	n, features = dims[0], 1
	for _, d := range dims[1:] {
		features *= d
	}
	if n*features > maxIdxBytes {
		return nil, 0, 0, fmt.Errorf("%s: %d images of %d features: more than %d bytes", path, n, features, maxIdxBytes)
	}
	raw := make([]byte, n*features)
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, 0, 0, fmt.Errorf("%s: truncated: want %d images of %d features: %v", path, n, features, err)
	}
	x = make([]float32, len(raw))
	for i, b := range raw {
		x[i] = float32(b) * (1.0 / 255)
	}
	return x, n, features, nil
}

// readIdxLabels reads a labels file.
func readIdxLabels(path string) ([]uint8, error) {
	r, closeFn, err := openIdx(path)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	dims, err := readIdxHeader(r, path, 1, 1)
	if err != nil {
		return nil, err
	}
	y := make([]uint8, dims[0])
	if _, err := io.ReadFull(r, y); err != nil {
		return nil, fmt.Errorf("%s: truncated: want %d labels: %v", path, dims[0], err)
	}
	return y, nil
}

// idxSet is an opened idx data set: the four files found, their sizes known.
type idxSet struct {
	name    string    // the source, for messages
	paths   [4]string // train images, train labels, test images, test labels
	info    Info
	classes int // the number of classes given, or 0: one more than the largest label
}

// openIdxSet finds the four files and reads their headers (and, without classes, the labels).
func openIdxSet(name string, f idxFiles, classes int) (*idxSet, error) {
	s := &idxSet{name: name, classes: classes}
	var missing []string
	for i, n := range f.names() {
		p, err := findIdx(f.dir, n)
		if err != nil {
			missing = append(missing, n+"(.gz)")
		}
		s.paths[i] = p
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s not found in %s", strings.Join(missing, ", "), f.dir)
	}
	var err error
	var trainF, testF int
	if s.info.Train, trainF, err = idxImagesHeader(s.paths[0]); err != nil {
		return nil, err
	}
	if s.info.Test, testF, err = idxImagesHeader(s.paths[2]); err != nil {
		return nil, err
	}
	if trainF != testF {
		return nil, fmt.Errorf("%s has %d features per image but %s has %d", s.paths[0], trainF, s.paths[2], testF)
	}
	s.info.Features = trainF
	s.info.Classes = classes
	if classes == 0 {
		top := 0
		for _, p := range []string{s.paths[1], s.paths[3]} {
			y, err := readIdxLabels(p)
			if err != nil {
				return nil, err
			}
			for _, v := range y {
				top = max(top, int(v))
			}
		}
		s.info.Classes = max(top+1, 2)
	}
	return s, nil
}

func (s *idxSet) Info() Info { return s.info }

func (s *idxSet) Load(uint64) (train, test *mlcore.Dataset, err error) {
	if train, err = s.loadPair(s.paths[0], s.paths[1]); err != nil {
		return nil, nil, err
	}
	if test, err = s.loadPair(s.paths[2], s.paths[3]); err != nil {
		return nil, nil, err
	}
	if err := checkSizes(s.name, s.info, train, test); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

func (s *idxSet) loadPair(images, labels string) (*mlcore.Dataset, error) {
	x, n, features, err := readIdxImages(images)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", s.name, err)
	}
	y, err := readIdxLabels(labels)
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", s.name, err)
	}
	if len(y) != n {
		return nil, fmt.Errorf("dataset: %s: %s has %d images but %s has %d labels", s.name, images, n, labels, len(y))
	}
	for i, v := range y {
		if int(v) >= s.info.Classes {
			return nil, fmt.Errorf("dataset: %s: %s: label %d of item %d is not below the %d classes", s.name, labels, v, i, s.info.Classes)
		}
	}
	return &mlcore.Dataset{X: x, Y: y, N: n, Dim: features, Classes: s.info.Classes}, nil
}

// checkDir reports a directory key that does not name a directory.
func checkDir(key, dir string) error {
	st, err := os.Stat(dir)
	switch {
	case err != nil:
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return param.Errorf(key, "cannot use %s: %v", dir, err)
	case !st.IsDir():
		return param.Errorf(key, "%s is not a directory", dir)
	}
	return nil
}

func init() {
	Register(Kind{
		Name:    "idx",
		Summary: "any data set in idx files, like MNIST's: Fashion-MNIST, KMNIST, EMNIST",
		Params: []param.Spec{
			{Key: "dir", Kind: param.Path, Required: true, Doc: "the directory holding the four idx files (each may be gzipped, with .gz added)"},
			{Key: "train_images", Kind: param.String, Default: mnistTrainImages, Doc: "training images: N × rows × cols (or N × features) unsigned bytes, scaled to [0, 1]"},
			{Key: "train_labels", Kind: param.String, Default: mnistTrainLabels, Doc: "training labels: N unsigned bytes"},
			{Key: "test_images", Kind: param.String, Default: mnistTestImages, Doc: "test images"},
			{Key: "test_labels", Kind: param.String, Default: mnistTestLabels, Doc: "test labels"},
			{Key: "classes", Kind: param.Int, Range: param.Closed(0, maxIdxLabels), Default: 0,
				Doc: "the number of classes; 0 = one more than the largest label (EMNIST letters: 27)"},
		},
		Check: func(p param.Values) error { return checkDir("dir", p.String("dir")) },
		Open: func(p param.Values) (Source, error) {
			s, err := openIdxSet("idx", idxFiles{dir: p.String("dir"), trainImages: p.String("train_images"),
				trainLabels: p.String("train_labels"), testImages: p.String("test_images"),
				testLabels: p.String("test_labels")}, p.Int("classes"))
			if err != nil {
				return nil, &param.Problem{Key: "dir", Msg: err.Error()}
			}
			return s, nil
		},
	})
}
