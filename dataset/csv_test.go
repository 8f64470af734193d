package dataset

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/mel-des/mel-des/param"
)

// csvConfig writes train and test CSV files into a fresh directory and returns a csv Config
// naming them, with extra parameters, and the directory.
func csvConfig(t *testing.T, train, test string, extra param.Values) (Config, string) {
	t.Helper()
	dir := t.TempDir()
	p := param.Values{"train": filepath.Join(dir, "train.csv"), "test": filepath.Join(dir, "test.csv")}
	for name, body := range map[string]string{"train.csv": train, "test.csv": test} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for k, v := range extra {
		p[k] = v
	}
	return Config{Source: "csv", Params: p}, dir
}

func TestCSVSource(t *testing.T) {
	tests := []struct {
		name        string
		train, test string
		extra       param.Values
		info        Info
		trainX      []float32
		trainY      []uint8
	}{
		{
			name:  "label first, no header",
			train: "1,0.5,0.25\n0,1,2\n", test: "2,3,4\n",
			info:   Info{Train: 2, Test: 1, Features: 2, Classes: 3},
			trainX: []float32{0.5, 0.25, 1, 2}, trainY: []uint8{1, 0},
		},
		{
			name:  "header detected, label last, comments and blank lines skipped",
			train: "x1, x2, label\n# a comment\n0.5, 0.25, 1\n\n1,2,0\n", test: "x1,x2,label\n3,4,4\n",
			extra:  param.Values{"label_column": int64(-1)},
			info:   Info{Train: 2, Test: 1, Features: 2, Classes: 5},
			trainX: []float32{0.5, 0.25, 1, 2}, trainY: []uint8{1, 0},
		},
		{
			name:  "label in the middle, scaled",
			train: "10,1,20,30\n40,0,50,60\n", test: "1,1,1,1\n",
			extra:  param.Values{"label_column": int64(1), "scale": 0.5},
			info:   Info{Train: 2, Test: 1, Features: 3, Classes: 2},
			trainX: []float32{5, 10, 15, 20, 25, 30}, trainY: []uint8{1, 0},
		},
		{
			name:  "classes given",
			train: "0,1\n1,2\n", test: "1,3\n",
			extra:  param.Values{"classes": int64(10)},
			info:   Info{Train: 2, Test: 1, Features: 1, Classes: 10},
			trainX: []float32{1, 2}, trainY: []uint8{0, 1},
		},
		{
			name:  "integral labels written as floats, numbers in exponent form",
			train: "2.0,1e-1\n0e0,-2.5E1\n", test: "1,0\n",
			info:   Info{Train: 2, Test: 1, Features: 1, Classes: 3},
			trainX: []float32{0.1, -25}, trainY: []uint8{2, 0},
		},
		{
			// topLabel's doc: one more than the largest label, at least 2 (as idx does).
			name:  "classes derived from all-zero labels",
			train: "0,1\n0,2\n", test: "0,3\n",
			info:   Info{Train: 2, Test: 1, Features: 1, Classes: 2},
			trainX: []float32{1, 2}, trainY: []uint8{0, 0},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := csvConfig(t, tc.train, tc.test, tc.extra)
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
			if train.N != tc.info.Train || test.N != tc.info.Test || train.Dim != tc.info.Features || test.Dim != tc.info.Features ||
				train.Classes != tc.info.Classes || test.Classes != tc.info.Classes {
				t.Errorf("loaded %d/%d samples of %d/%d features, %d classes; Info says %+v", train.N, test.N, train.Dim, test.Dim, train.Classes, tc.info)
			}
			if len(train.X) != len(tc.trainX) {
				t.Fatalf("train X = %v, want %v", train.X, tc.trainX)
			}
			for i := range tc.trainX {
				if math.Abs(float64(train.X[i]-tc.trainX[i])) > 1e-6 {
					t.Fatalf("train X = %v, want %v", train.X, tc.trainX)
				}
			}
			if !reflect.DeepEqual(train.Y, tc.trainY) {
				t.Errorf("train Y = %v, want %v", train.Y, tc.trainY)
			}
			if err := train.Validate(); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestCSVErrors: every problem names the file and, for a value, the line and the column
// (counted from 0, like label_column); it is a problem on the key of the file, or on classes
// for a label the classes given do not allow.
func TestCSVErrors(t *testing.T) {
	tests := []struct {
		name        string
		train, test string
		extra       param.Values
		key         string
		want        string // with DIR for the directory
	}{
		{"bad number", "1,2,3\n0,x,3\n", "1,2,3\n", nil, "train", `DIR/train.csv line 2, column 1: "x" is not a finite number`},
		{"bad number after a header", "a,b,label\n# c\n1,2,0\n1,2,nan\n", "1,2,3\n", nil, "train", `DIR/train.csv line 4, column 2: "nan" is not a finite number`},
		{"infinite feature", "1,2\n", "0,inf\n", nil, "test", `DIR/test.csv line 1, column 1: "inf" is not a finite number`},
		{"fractional label", "1.5,2\n", "1,2\n", nil, "train", `DIR/train.csv line 1, column 0: label "1.5": want an integer in [0, 256)`},
		{"negative label", "1,2\n", "1,2\n2,-1\n", param.Values{"label_column": int64(-1)}, "test", `DIR/test.csv line 2, column 1: label "-1": want an integer in [0, 256)`},
		{"label too large", "256,2\n", "1,2\n", nil, "train", `DIR/train.csv line 1, column 0: label "256": want an integer in [0, 256)`},
		{"label not below the classes given", "0,2\n3,2\n", "1,2\n", param.Values{"classes": int64(3)}, "classes", "DIR/train.csv: label 3 of sample 1 is not below the 3 classes"},
		{"train and test features differ", "0,1,2\n", "0,1\n", nil, "test", "DIR/train.csv has 2 features but DIR/test.csv has 1"},
		{"ragged rows", "0,1,2\n0,1\n", "0,1,2\n", nil, "train", "DIR/train.csv: record on line 2: wrong number of fields"},
		{"label column beyond the row", "0,1,2\n", "0,1,2\n", param.Values{"label_column": int64(3)}, "train", "DIR/train.csv line 1: label_column = 3, but the file has 3 columns (counted from 0)"},
		{"one column", "0\n1\n", "0\n", nil, "train", "DIR/train.csv line 1: 1 column; want the features and a label"},
		{"header only", "a,label\n", "0,1\n", nil, "train", "DIR/train.csv: no data rows"},
		{"empty", "0,1\n", "", nil, "test", "DIR/test.csv: no data rows"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, dir := csvConfig(t, tc.train, tc.test, tc.extra)
			_, err := c.Open()
			wantErr(t, err, "dataset: csv: ", replaceDir(tc.want, dir))
			if ps := param.Problems(err); len(ps) != 1 || ps[0].Key != tc.key {
				t.Errorf("problems %q, want one on %s", ps, tc.key)
			}
		})
	}
}
