package dataset

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/param"
)

// putIdx writes an idx file of unsigned bytes with the given dimensions to path, gzipped
// if the name ends in .gz.
func putIdx(t *testing.T, path string, dims []int, data []byte) {
	t.Helper()
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(idxUbyte<<8|len(dims)))
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	out := b.Bytes()
	if filepath.Ext(path) == ".gz" {
		var z bytes.Buffer
		w := gzip.NewWriter(&z)
		w.Write(out)
		w.Close()
		out = z.Bytes()
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// seq returns n bytes 0, 1, 2, …
func seq(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// idxConfig returns an idx Config for dir with custom file names and extra parameters.
func idxConfig(dir string, extra param.Values) Config {
	p := param.Values{"dir": dir, "train_images": "tr-x", "train_labels": "tr-y", "test_images": "te-x", "test_labels": "te-y"}
	for k, v := range extra {
		p[k] = v
	}
	return Config{Source: "idx", Params: p}
}

// TestIdxSource: custom file names (one of them gzipped), images of 2 to 4 dimensions
// flattened to features scaled to [0, 1], classes one more than the largest label.
func TestIdxSource(t *testing.T) {
	tests := []struct {
		name     string
		dims     []int // per image, after N
		features int
	}{
		{"N × features", []int{3}, 3},
		{"N × rows × cols", []int{2, 2}, 4},
		{"N × channels × rows × cols", []int{2, 1, 3}, 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			putIdx(t, filepath.Join(dir, "tr-x"), append([]int{5}, tc.dims...), seq(5*tc.features))
			putIdx(t, filepath.Join(dir, "tr-y"), []int{5}, []byte{0, 1, 4, 2, 0})
			putIdx(t, filepath.Join(dir, "te-x.gz"), append([]int{2}, tc.dims...), seq(2*tc.features))
			putIdx(t, filepath.Join(dir, "te-y"), []int{2}, []byte{1, 3})
			src, err := idxConfig(dir, nil).Open()
			if err != nil {
				t.Fatal(err)
			}
			want := Info{Train: 5, Test: 2, Features: tc.features, Classes: 5}
			if src.Info() != want {
				t.Errorf("Info = %+v, want %+v", src.Info(), want)
			}
			train, test, err := src.Load(0)
			if err != nil {
				t.Fatal(err)
			}
			if train.N != 5 || test.N != 2 || train.Dim != tc.features || test.Dim != tc.features || train.Classes != 5 || test.Classes != 5 {
				t.Errorf("loaded N %d/%d, Dim %d/%d, Classes %d/%d; want 5/2, %d, 5", train.N, test.N, train.Dim, test.Dim,
					train.Classes, test.Classes, tc.features)
			}
			if train.Validate() != nil || test.Validate() != nil {
				t.Errorf("invalid data: %v, %v", train.Validate(), test.Validate())
			}
			last := 5*tc.features - 1
			if math.Abs(float64(train.X[last])-float64(last)/255) > 1e-7 || train.X[0] != 0 {
				t.Errorf("pixel %d = %v, want %v/255", last, train.X[last], last)
			}
			if !reflect.DeepEqual(train.Y, []uint8{0, 1, 4, 2, 0}) || !reflect.DeepEqual(test.Y, []uint8{1, 3}) {
				t.Errorf("labels %v, %v", train.Y, test.Y)
			}
		})
	}
}

func TestIdxClasses(t *testing.T) {
	tests := []struct {
		name       string
		classes    any // the classes parameter, nil for absent
		trainY     []byte
		wantInfo   int
		wantLoad   string // "" for success
		wantLabels string // the file the Load error must name
	}{
		{"derived", nil, []byte{0, 7, 2}, 8, "", ""},
		{"derived from all-zero labels", nil, []byte{0, 0, 0}, 2, "", ""},
		{"given", int64(26), []byte{0, 7, 2}, 26, "", ""},
		{"a label not below the classes given", int64(5), []byte{0, 7, 2}, 5, "label 7 of item 1 is not below the 5 classes", "tr-y"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			putIdx(t, filepath.Join(dir, "tr-x"), []int{3, 2}, seq(6))
			putIdx(t, filepath.Join(dir, "tr-y"), []int{3}, tc.trainY)
			putIdx(t, filepath.Join(dir, "te-x"), []int{1, 2}, seq(2))
			putIdx(t, filepath.Join(dir, "te-y"), []int{1}, []byte{0})
			extra := param.Values{}
			if tc.classes != nil {
				extra["classes"] = tc.classes
			}
			src, err := idxConfig(dir, extra).Open()
			if err != nil {
				t.Fatal(err)
			}
			if got := src.Info().Classes; got != tc.wantInfo {
				t.Errorf("Info().Classes = %d, want %d", got, tc.wantInfo)
			}
			train, _, err := src.Load(0)
			if tc.wantLoad == "" {
				if err != nil || train.Classes != tc.wantInfo {
					t.Errorf("Load: %v, classes %v", err, train)
				}
				return
			}
			wantErr(t, err, tc.wantLoad, filepath.Join(dir, tc.wantLabels))
		})
	}
}

func TestIdxErrors(t *testing.T) {
	write := func(t *testing.T, dir string) {
		putIdx(t, filepath.Join(dir, "tr-x"), []int{2, 3}, seq(6))
		putIdx(t, filepath.Join(dir, "tr-y"), []int{2}, []byte{0, 1})
		putIdx(t, filepath.Join(dir, "te-x"), []int{1, 3}, seq(3))
		putIdx(t, filepath.Join(dir, "te-y"), []int{1}, []byte{1})
	}
	tests := []struct {
		name  string
		edit  func(t *testing.T, dir string)
		parts []string // in the Open error, with dir substituted for "DIR"
	}{
		{"feature counts differ", func(t *testing.T, dir string) { putIdx(t, filepath.Join(dir, "te-x"), []int{1, 4}, seq(4)) },
			[]string{"DIR/tr-x has 3 features per image but DIR/te-x has 4"}},
		{"labels file with two dimensions", func(t *testing.T, dir string) { putIdx(t, filepath.Join(dir, "tr-y"), []int{2, 1}, []byte{0, 1}) },
			[]string{"DIR/tr-y: magic number 0x00000802, want 0x00000801"}},
		{"images file with one dimension", func(t *testing.T, dir string) { putIdx(t, filepath.Join(dir, "tr-x"), []int{6}, seq(6)) },
			[]string{"DIR/tr-x: magic number 0x00000801, want 0x00000802 to 0x00000804"}},
		{"zero dimension", func(t *testing.T, dir string) { putIdx(t, filepath.Join(dir, "te-x"), []int{1, 0}, nil) },
			[]string{"DIR/te-x: implausible dimension 0"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir)
			tc.edit(t, dir)
			_, err := idxConfig(dir, nil).Open()
			var parts []string
			for _, p := range tc.parts {
				parts = append(parts, replaceDir(p, dir))
			}
			wantErr(t, err, parts...)
		})
	}
}

// replaceDir substitutes dir for the placeholder DIR.
func replaceDir(s, dir string) string {
	return strings.ReplaceAll(s, "DIR", dir)
}

// TestIdxMissingFiles: files not found are a problem with the key dir, naming every missing
// file and the directory searched.
func TestIdxMissingFiles(t *testing.T) {
	dir := t.TempDir()
	putIdx(t, filepath.Join(dir, "tr-y"), []int{2}, []byte{0, 1})
	putIdx(t, filepath.Join(dir, "te-x.gz"), []int{1, 3}, seq(3))
	_, err := idxConfig(dir, nil).Open()
	wantErr(t, err, "tr-x(.gz)", "te-y(.gz)", "not found in "+dir)
	var p *param.Problem
	if !errors.As(err, &p) || p.Key != "dir" {
		t.Errorf("error %v is not a *param.Problem on dir", err)
	}
	if err != nil && (strings.Contains(err.Error(), "tr-y") || strings.Contains(err.Error(), "te-x")) {
		t.Errorf("error %v names a file that is there", err)
	}
}
