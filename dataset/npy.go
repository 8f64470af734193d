package dataset

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/param"
)

// npyHeader is what a NumPy .npy file says about its array.
type npyHeader struct {
	order binary.ByteOrder
	kind  byte // 'f' float, 'i' signed, 'u' unsigned integer, 'b' bool
	size  int  // bytes per element
	shape []int
}

// elems returns the number of elements per row (the product of the shape after the first).
func (h npyHeader) rowLen() int {
	n := 1
	for _, d := range h.shape[1:] {
		n *= d
	}
	return n
}

var (
	npyDescrRE   = regexp.MustCompile(`'descr'\s*:\s*'([<>|=])([fiub])(\d+)'`)
	npyFortranRE = regexp.MustCompile(`'fortran_order'\s*:\s*(True|False)`)
	npyShapeRE   = regexp.MustCompile(`'shape'\s*:\s*\(([^)]*)\)`)
)

// readNpyHeader reads the header of a .npy file (format versions 1 to 3) and leaves r at the
// data.
func readNpyHeader(r io.Reader, path string) (npyHeader, error) {
	var h npyHeader
	magic := make([]byte, 8)
	if _, err := io.ReadFull(r, magic); err != nil || string(magic[:6]) != "\x93NUMPY" {
		return h, fmt.Errorf("%s: not a NumPy .npy file (no \\x93NUMPY magic)", path)
	}
	var hlen int
	switch magic[6] {
	case 1:
		var n uint16
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil {
			return h, fmt.Errorf("%s: truncated header", path)
		}
		hlen = int(n)
	case 2, 3:
		var n uint32
		if err := binary.Read(r, binary.LittleEndian, &n); err != nil || n > 1<<20 {
			return h, fmt.Errorf("%s: truncated or oversized header", path)
		}
		hlen = int(n)
	default:
		return h, fmt.Errorf("%s: .npy format version %d.%d is not supported (want 1 to 3)", path, magic[6], magic[7])
	}
	buf := make([]byte, hlen)
	if _, err := io.ReadFull(r, buf); err != nil {
		return h, fmt.Errorf("%s: truncated header", path)
	}
	dict := string(buf)
	m := npyDescrRE.FindStringSubmatch(dict)
	if m == nil {
		return h, fmt.Errorf("%s: unsupported dtype in header %q: want floats, integers or bools", path, strings.TrimSpace(dict))
	}
	h.order = binary.LittleEndian
	if m[1] == ">" {
		h.order = binary.BigEndian
	}
	h.kind = m[2][0]
	h.size, _ = strconv.Atoi(m[3])
	okSize := map[byte][]int{'f': {4, 8}, 'i': {1, 2, 4, 8}, 'u': {1, 2, 4, 8}, 'b': {1}}[h.kind]
	if !containsInt(okSize, h.size) {
		return h, fmt.Errorf("%s: unsupported dtype %s%s", path, m[2], m[3])
	}
	if f := npyFortranRE.FindStringSubmatch(dict); f != nil && f[1] == "True" {
		return h, fmt.Errorf("%s: the array is in Fortran order; save it with numpy.ascontiguousarray first", path)
	}
	s := npyShapeRE.FindStringSubmatch(dict)
	if s == nil {
		return h, fmt.Errorf("%s: no shape in header %q", path, strings.TrimSpace(dict))
	}
	for _, part := range strings.Split(s[1], ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		d, err := strconv.Atoi(part)
		if err != nil || d < 0 || d > 1<<31 {
			return h, fmt.Errorf("%s: bad shape (%s)", path, s[1])
		}
		h.shape = append(h.shape, d)
	}
	if len(h.shape) == 0 {
		return h, fmt.Errorf("%s: a scalar, not an array", path)
	}
	return h, nil
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// readNpy reads a .npy file as float64 values, row-major.
func readNpy(path string) (npyHeader, []float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return npyHeader{}, nil, err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	h, err := readNpyHeader(r, path)
	if err != nil {
		return h, nil, err
	}
	n := h.shape[0] * h.rowLen()
	if st, err := f.Stat(); err == nil && int64(n)*int64(h.size) > st.Size() {
		return h, nil, fmt.Errorf("%s: truncated: the header promises %d elements of %d bytes, the file has %d bytes", path, n, h.size, st.Size())
	}
	raw := make([]byte, n*h.size)
	if _, err := io.ReadFull(r, raw); err != nil {
		return h, nil, fmt.Errorf("%s: truncated: want %d elements of %d bytes: %v", path, n, h.size, err)
	}
	out := make([]float64, n)
	for i := range out {
		b := raw[i*h.size : (i+1)*h.size]
		switch {
		case h.kind == 'f' && h.size == 4:
			out[i] = float64(math.Float32frombits(h.order.Uint32(b)))
		case h.kind == 'f':
			out[i] = math.Float64frombits(h.order.Uint64(b))
		case h.kind == 'u' || h.kind == 'b':
			out[i] = float64(uintOf(h.order, b))
		default:
			out[i] = float64(intOf(h.order, b))
		}
	}
	return h, out, nil
}

func uintOf(o binary.ByteOrder, b []byte) uint64 {
	switch len(b) {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(o.Uint16(b))
	case 4:
		return uint64(o.Uint32(b))
	}
	return o.Uint64(b)
}

func intOf(o binary.ByteOrder, b []byte) int64 {
	switch len(b) {
	case 1:
		return int64(int8(b[0]))
	case 2:
		return int64(int16(o.Uint16(b)))
	case 4:
		return int64(int32(o.Uint32(b)))
	}
	return int64(o.Uint64(b))
}

// npyHeaderOf reads only the header of a .npy file.
func npyHeaderOf(path string) (npyHeader, error) {
	f, err := os.Open(path)
	if err != nil {
		return npyHeader{}, err
	}
	defer f.Close()
	return readNpyHeader(bufio.NewReader(f), path)
}

// npyLabels reads a label array: N integers (shape (N,) or (N, 1)) in [0, 256).
func npyLabels(path string) ([]int, error) {
	h, v, err := readNpy(path)
	if err != nil {
		return nil, err
	}
	if h.rowLen() != 1 {
		return nil, fmt.Errorf("%s: labels of shape %v; want (N,) or (N, 1)", path, h.shape)
	}
	y := make([]int, len(v))
	for i, x := range v {
		if x != math.Trunc(x) || x < 0 || x >= maxIdxLabels {
			return nil, fmt.Errorf("%s: label %v of sample %d: want an integer in [0, %d)", path, x, i, maxIdxLabels)
		}
		y[i] = int(x)
	}
	return y, nil
}

// npySet is a data set in four .npy files: features and labels for training and test.
type npySet struct {
	info     Info
	x        [2]string // train, test feature files
	ytr, yte []int
	scale    float64
}

func (s *npySet) Info() Info { return s.info }

func (s *npySet) Load(uint64) (train, test *mlcore.Dataset, err error) {
	load := func(path string, y []int) (*mlcore.Dataset, error) {
		h, v, err := readNpy(path)
		if err != nil {
			return nil, fmt.Errorf("dataset: npy: %w", err)
		}
		x := make([]float32, len(v))
		for i, f := range v {
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, fmt.Errorf("dataset: npy: %s: element %d is %v; features must be finite", path, i, f)
			}
			x[i] = float32(f * s.scale)
		}
		return labelled(path, x, y, h.rowLen(), s.info.Classes)
	}
	if train, err = load(s.x[0], s.ytr); err != nil {
		return nil, nil, err
	}
	if test, err = load(s.x[1], s.yte); err != nil {
		return nil, nil, err
	}
	return train, test, checkSizes("npy", s.info, train, test)
}

func openNpy(p param.Values) (Source, error) {
	s := &npySet{x: [2]string{p.String("train_x"), p.String("test_x")}, scale: p.Float("scale")}
	xkeys, ykeys := [2]string{"train_x", "test_x"}, [2]string{"train_y", "test_y"}
	var hs [2]npyHeader
	for i, path := range s.x {
		h, err := npyHeaderOf(path)
		if err != nil {
			return nil, &param.Problem{Key: xkeys[i], Msg: err.Error()}
		}
		if len(h.shape) < 2 {
			return nil, param.Errorf(xkeys[i], "%s: features of shape %v; want (N, features) or (N, rows, cols)", path, h.shape)
		}
		hs[i] = h
	}
	if hs[0].rowLen() != hs[1].rowLen() {
		return nil, param.Errorf("test_x", "%s has %d features per sample but %s has %d", s.x[0], hs[0].rowLen(), s.x[1], hs[1].rowLen())
	}
	var err error
	if s.ytr, err = npyLabels(p.String("train_y")); err != nil {
		return nil, &param.Problem{Key: "train_y", Msg: err.Error()}
	}
	if s.yte, err = npyLabels(p.String("test_y")); err != nil {
		return nil, &param.Problem{Key: "test_y", Msg: err.Error()}
	}
	for i, y := range [][]int{s.ytr, s.yte} {
		if len(y) != hs[i].shape[0] {
			return nil, param.Errorf(ykeys[i], "%s has %d samples but its labels %d", s.x[i], hs[i].shape[0], len(y))
		}
	}
	classes := p.Int("classes")
	if classes == 0 {
		classes = topLabel(s.ytr, s.yte)
	}
	for i, y := range [][]int{s.ytr, s.yte} {
		for j, v := range y {
			if v >= classes {
				return nil, param.Errorf("classes", "%s: label %d of sample %d is not below the %d classes", p.String(ykeys[i]), v, j, classes)
			}
		}
	}
	s.info = Info{Train: len(s.ytr), Test: len(s.yte), Features: hs[0].rowLen(), Classes: classes}
	return s, nil
}

func init() {
	Register(Kind{
		Name:    "npy",
		Summary: "NumPy arrays in four .npy files: features (N × features, or N × rows × cols) and integer labels",
		Params: append(fileSpecs(
			[2]string{"train_x", "training features, a float, integer or bool array, relative to the scenario file"},
			[2]string{"train_y", "training labels, integers of shape (N,) or (N, 1)"},
			[2]string{"test_x", "test features"},
			[2]string{"test_y", "test labels"}),
			commonSpecs()...),
		Check: func(p param.Values) error { return checkFiles(p, "train_x", "train_y", "test_x", "test_y") },
		Open:  openNpy,
	})
}
