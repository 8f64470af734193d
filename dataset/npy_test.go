package dataset

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/param"
)

// npyArray is a NumPy array to write: its dtype as NumPy spells it ("<f4", ">f4", "|u1",
// "<i8"), its shape and its values.
type npyArray struct {
	descr   string
	shape   []int
	values  []float64
	fortran bool
}

// encode returns the .npy file, format version 1.0: magic, version, a little-endian uint16
// header length, the header dict padded with spaces and a newline to a multiple of 64 bytes,
// then the data.
func (a npyArray) encode() []byte {
	dims := make([]string, len(a.shape))
	for i, d := range a.shape {
		dims[i] = fmt.Sprint(d)
	}
	shape := strings.Join(dims, ", ")
	if len(a.shape) == 1 {
		shape += ","
	}
	fortran := "False"
	if a.fortran {
		fortran = "True"
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': (%s), }", a.descr, fortran, shape)
	for (10+len(dict)+1)%64 != 0 {
		dict += " "
	}
	dict += "\n"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(dict)))
	b.WriteString(dict)
	var order binary.ByteOrder = binary.LittleEndian
	if a.descr[0] == '>' {
		order = binary.BigEndian
	}
	for _, v := range a.values {
		switch a.descr[1:] {
		case "f4":
			binary.Write(&b, order, math.Float32bits(float32(v)))
		case "f8":
			binary.Write(&b, order, math.Float64bits(v))
		case "u1", "b1":
			b.WriteByte(byte(v))
		case "i8":
			binary.Write(&b, order, int64(v))
		case "i2":
			binary.Write(&b, order, int16(v))
		default:
			panic("npyArray: no encoder for " + a.descr)
		}
	}
	return b.Bytes()
}

// ramp returns n values start, start+step, …
func ramp(n int, start, step float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = start + step*float64(i)
	}
	return v
}

// npyFiles are the four arrays of an npy data set.
type npyFiles struct{ trainX, trainY, testX, testY npyArray }

// write writes the four files into a fresh directory and returns an npy Config naming them.
func (f npyFiles) write(t *testing.T, extra param.Values) (Config, string) {
	t.Helper()
	dir := t.TempDir()
	p := param.Values{}
	for _, a := range []struct {
		key string
		arr npyArray
	}{{"train_x", f.trainX}, {"train_y", f.trainY}, {"test_x", f.testX}, {"test_y", f.testY}} {
		path := filepath.Join(dir, a.key+".npy")
		if err := os.WriteFile(path, a.arr.encode(), 0o644); err != nil {
			t.Fatal(err)
		}
		p[a.key] = path
	}
	for k, v := range extra {
		p[k] = v
	}
	return Config{Source: "npy", Params: p}, dir
}

// baseNpy is a valid set: 3 training images of 28 × 28 float32, 2 test images, int64 labels.
func baseNpy() npyFiles {
	return npyFiles{
		trainX: npyArray{descr: "<f4", shape: []int{3, 28, 28}, values: ramp(3*784, 0, 0.5)},
		trainY: npyArray{descr: "<i8", shape: []int{3}, values: []float64{2, 0, 9}},
		testX:  npyArray{descr: "<f4", shape: []int{2, 28, 28}, values: ramp(2*784, 1, 0.25)},
		testY:  npyArray{descr: "<i8", shape: []int{2}, values: []float64{1, 1}},
	}
}

func TestNpySource(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*npyFiles)
		extra  param.Values
		info   Info
		trainX []float64 // the first features of the training set
		trainY []uint8
	}{
		{"<f4 of shape (N, 28, 28), flattened", func(*npyFiles) {}, nil,
			Info{Train: 3, Test: 2, Features: 784, Classes: 10}, []float64{0, 0.5, 1}, []uint8{2, 0, 9}},
		{"<f8 features, (N, 1) labels", func(f *npyFiles) {
			f.trainX = npyArray{descr: "<f8", shape: []int{3, 2}, values: []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}}
			f.testX = npyArray{descr: "<f8", shape: []int{2, 2}, values: ramp(4, 0, 1)}
			f.trainY.shape = []int{3, 1}
		}, nil, Info{Train: 3, Test: 2, Features: 2, Classes: 10}, []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6}, []uint8{2, 0, 9}},
		{"|u1 pixels scaled to [0, 1]", func(f *npyFiles) {
			f.trainX = npyArray{descr: "|u1", shape: []int{3, 2}, values: []float64{0, 51, 255, 102, 1, 2}}
			f.testX = npyArray{descr: "|u1", shape: []int{2, 2}, values: []float64{0, 0, 0, 0}}
		}, param.Values{"scale": 1.0 / 255}, Info{Train: 3, Test: 2, Features: 2, Classes: 10}, []float64{0, 0.2, 1, 0.4}, nil},
		{"big-endian >f4", func(f *npyFiles) {
			f.trainX = npyArray{descr: ">f4", shape: []int{3, 1}, values: []float64{-1.5, 2.25, 1e-3}}
			f.testX = npyArray{descr: ">f4", shape: []int{2, 1}, values: []float64{0, 1}}
		}, nil, Info{Train: 3, Test: 2, Features: 1, Classes: 10}, []float64{-1.5, 2.25, 1e-3}, nil},
		{"<i2 labels, classes given", func(f *npyFiles) {
			f.trainY = npyArray{descr: "<i2", shape: []int{3}, values: []float64{4, 0, 1}}
		}, param.Values{"classes": int64(26)}, Info{Train: 3, Test: 2, Features: 784, Classes: 26}, nil, []uint8{4, 0, 1}},
		{"integral float labels", func(f *npyFiles) {
			f.trainY = npyArray{descr: "<f8", shape: []int{3}, values: []float64{0, 3, 1}}
		}, nil, Info{Train: 3, Test: 2, Features: 784, Classes: 4}, nil, []uint8{0, 3, 1}},
		{
			// topLabel's doc: one more than the largest label, at least 2 (as idx does).
			"classes derived from all-zero labels", func(f *npyFiles) {
				f.trainY.values = []float64{0, 0, 0}
				f.testY.values = []float64{0, 0}
			}, nil, Info{Train: 3, Test: 2, Features: 784, Classes: 2}, nil, []uint8{0, 0, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := baseNpy()
			tc.edit(&files)
			c, _ := files.write(t, tc.extra)
			src, err := c.Open()
			if err != nil {
				t.Fatal(err)
			}
			if src.Info() != tc.info {
				t.Errorf("Info = %+v, want %+v", src.Info(), tc.info)
			}
			train, test, err := src.Load(0)
			if err != nil {
				t.Fatal(err)
			}
			if train.N != tc.info.Train || test.N != tc.info.Test || train.Dim != tc.info.Features || train.Classes != tc.info.Classes {
				t.Errorf("loaded %d/%d samples of %d features, %d classes; Info says %+v", train.N, test.N, train.Dim, train.Classes, tc.info)
			}
			for i, want := range tc.trainX {
				if math.Abs(float64(train.X[i])-want) > 1e-6 {
					t.Errorf("train X[%d] = %v, want %v", i, train.X[i], want)
				}
			}
			if tc.trainY != nil && !reflect.DeepEqual(train.Y, tc.trainY) {
				t.Errorf("train Y = %v, want %v", train.Y, tc.trainY)
			}
			if err := train.Validate(); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestNpyErrors: malformed files are reported naming the file: at Open as a problem on the
// file's key when the headers or the labels show it, at Load for the features' data.
func TestNpyErrors(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*npyFiles)
		extra param.Values
		key   string // the key of the problem at Open; "" for an error at Load
		want  string // with DIR for the directory
	}{
		{"fortran order", func(f *npyFiles) { f.testX.fortran = true }, nil, "test_x",
			"DIR/test_x.npy: the array is in Fortran order; save it with numpy.ascontiguousarray first"},
		{"unsupported dtype", func(f *npyFiles) { f.trainX.descr = "<c8"; f.trainX.values = nil }, nil, "train_x",
			"DIR/train_x.npy: unsupported dtype in header"},
		{"unsupported size", func(f *npyFiles) { f.trainX.descr = "<f2"; f.trainX.values = nil }, nil, "train_x",
			"DIR/train_x.npy: unsupported dtype f2"},
		{"features of one dimension", func(f *npyFiles) { f.trainX = npyArray{descr: "<f4", shape: []int{3}, values: ramp(3, 0, 1)} }, nil, "train_x",
			"DIR/train_x.npy: features of shape [3]; want (N, features) or (N, rows, cols)"},
		{"feature counts differ", func(f *npyFiles) { f.testX.shape = []int{1, 1568} }, nil, "test_x",
			"DIR/train_x.npy has 784 features per sample but DIR/test_x.npy has 1568"},
		{"labels of two columns", func(f *npyFiles) { f.trainY = npyArray{descr: "<i8", shape: []int{3, 2}, values: ramp(6, 0, 1)} }, nil, "train_y",
			"DIR/train_y.npy: labels of shape [3 2]; want (N,) or (N, 1)"},
		{"fractional label", func(f *npyFiles) { f.testY = npyArray{descr: "<f8", shape: []int{2}, values: []float64{1, 0.5}} }, nil, "test_y",
			"DIR/test_y.npy: label 0.5 of sample 1: want an integer in [0, 256)"},
		{"negative label", func(f *npyFiles) { f.trainY.values = []float64{2, -1, 9} }, nil, "train_y",
			"DIR/train_y.npy: label -1 of sample 1: want an integer in [0, 256)"},
		{"more labels than samples", func(f *npyFiles) { f.trainY = npyArray{descr: "<i8", shape: []int{4}, values: []float64{0, 1, 2, 3}} }, nil, "train_y",
			"DIR/train_x.npy has 3 samples but its labels 4"},
		{"truncated labels", func(f *npyFiles) { f.testY.values = f.testY.values[:1] }, nil, "test_y",
			"DIR/test_y.npy: truncated: want 2 elements of 8 bytes"},
		{"truncated features", func(f *npyFiles) { f.trainX.values = f.trainX.values[:100] }, nil, "",
			"DIR/train_x.npy: truncated: the header promises 2352 elements of 4 bytes"},
		{"NaN feature", func(f *npyFiles) { f.testX.values[5] = math.NaN() }, nil, "",
			"DIR/test_x.npy: element 5 is NaN; features must be finite"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			files := baseNpy()
			tc.edit(&files)
			c, dir := files.write(t, tc.extra)
			src, err := c.Open()
			if tc.key == "" {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				_, _, err = src.Load(0)
			} else if ps := param.Problems(err); len(ps) != 1 || ps[0].Key != tc.key {
				t.Errorf("Open: problems %q, want one on %s", ps, tc.key)
			}
			wantErr(t, err, "dataset: npy: ", replaceDir(tc.want, dir))
		})
	}
}

// TestNpyLabelNotBelowClasses: a label the classes given do not allow is in a labels file,
// and the error must send the user there (whether Open or Load finds it), with the
// package's prefix.
func TestNpyLabelNotBelowClasses(t *testing.T) {
	c, dir := baseNpy().write(t, param.Values{"classes": int64(5)})
	src, err := c.Open()
	if err == nil {
		_, _, err = src.Load(0)
	}
	wantErr(t, err, "dataset: npy: ", filepath.Join(dir, "train_y.npy")+": label 9 of sample 2 is not below the 5 classes")
}

func TestNpyHeaderErrors(t *testing.T) {
	good := baseNpy().trainY.encode()
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"not npy", []byte("PK\x03\x04 a zip file"), "f.npy: not a NumPy .npy file"},
		{"empty", nil, "f.npy: not a NumPy .npy file"},
		{"version 4", append([]byte("\x93NUMPY\x04\x00"), good[8:]...), "f.npy: .npy format version 4.0 is not supported"},
		{"truncated header", good[:30], "f.npy: truncated header"},
		{"no shape", npyHeaderOnly("{'descr': '<f4', 'fortran_order': False, }"), "f.npy: no shape in header"},
		{"scalar", npyHeaderOnly("{'descr': '<f4', 'fortran_order': False, 'shape': (), }"), "f.npy: a scalar, not an array"},
		{"bad shape", npyHeaderOnly("{'descr': '<f4', 'fortran_order': False, 'shape': (3, x), }"), "f.npy: bad shape (3, x)"},
	}
	for _, tc := range tests {
		_, err := readNpyHeader(bytes.NewReader(tc.data), "f.npy")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	// Version 2.0 has a 4-byte header length.
	v1 := baseNpy().trainY.encode()
	hlen := int(binary.LittleEndian.Uint16(v1[8:10]))
	var v2 bytes.Buffer
	v2.WriteString("\x93NUMPY\x02\x00")
	binary.Write(&v2, binary.LittleEndian, uint32(hlen))
	v2.Write(v1[10:])
	h, err := readNpyHeader(&v2, "v2.npy")
	if err != nil || !reflect.DeepEqual(h.shape, []int{3}) || h.kind != 'i' || h.size != 8 {
		t.Errorf("version 2.0 header: %+v, %v", h, err)
	}
}

// npyHeaderOnly returns a version 1.0 file holding only the header dict.
func npyHeaderOnly(dict string) []byte {
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&b, binary.LittleEndian, uint16(len(dict)))
	b.WriteString(dict)
	return b.Bytes()
}
