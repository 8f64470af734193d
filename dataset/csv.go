package dataset

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/mel-des/mel-des/mlcore"
	"github.com/mel-des/mel-des/param"
)

// csvSet is a feature matrix with labels in two CSV files, loaded when opened (the sizes of
// a CSV file are only known once it is read).
type csvSet struct {
	info        Info
	train, test *mlcore.Dataset
}

func (s *csvSet) Info() Info { return s.info }

func (s *csvSet) Load(uint64) (train, test *mlcore.Dataset, err error) { return s.train, s.test, nil }

// csvOptions say how to read a CSV file.
type csvOptions struct {
	labelColumn int     // 0-based; −1 = the last column
	scale       float64 // features are multiplied by it
}

// readCSV reads one CSV file: one sample per row, every column a feature but the label
// column. A first row that is not all numbers is a header; blank lines and lines starting
// with '#' are skipped. Errors name the file, the line and the column.
func readCSV(path string, o csvOptions) (x []float32, y []int, features int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, 0, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	first := true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, 0, fmt.Errorf("%s: %w", path, err)
		}
		line, _ := cr.FieldPos(0)
		if first {
			first = false
			if len(rec) < 2 {
				return nil, nil, 0, fmt.Errorf("%s line %d: %d column; want the features and a label", path, line, len(rec))
			}
			features = len(rec) - 1
			if o.labelColumn >= len(rec) {
				return nil, nil, 0, fmt.Errorf("%s line %d: label_column = %d, but the file has %d columns (counted from 0)", path, line, o.labelColumn, len(rec))
			}
			if isHeaderRow(rec) {
				continue
			}
		}
		lc := o.labelColumn
		if lc < 0 {
			lc = len(rec) - 1
		}
		for j, field := range rec {
			v, err := strconv.ParseFloat(strings.TrimSpace(field), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, nil, 0, fmt.Errorf("%s line %d, column %d: %q is not a finite number", path, line, j, field)
			}
			if j == lc {
				if v != math.Trunc(v) || v < 0 || v >= maxIdxLabels {
					return nil, nil, 0, fmt.Errorf("%s line %d, column %d: label %q: want an integer in [0, %d)", path, line, j, field, maxIdxLabels)
				}
				y = append(y, int(v))
				continue
			}
			x = append(x, float32(v*o.scale))
		}
	}
	if len(y) == 0 {
		return nil, nil, 0, fmt.Errorf("%s: no data rows", path)
	}
	return x, y, features, nil
}

// isHeaderRow reports whether a first row holds names rather than numbers.
func isHeaderRow(rec []string) bool {
	for _, f := range rec {
		if _, err := strconv.ParseFloat(strings.TrimSpace(f), 64); err != nil {
			return true
		}
	}
	return false
}

// labelled builds a data set from features and labels, checking the labels against classes.
func labelled(path string, x []float32, y []int, features, classes int) (*mlcore.Dataset, error) {
	d := &mlcore.Dataset{X: x, Y: make([]uint8, len(y)), N: len(y), Dim: features, Classes: classes}
	for i, v := range y {
		if v >= classes {
			return nil, fmt.Errorf("%s: label %d of sample %d is not below the %d classes", path, v, i, classes)
		}
		d.Y[i] = uint8(v)
	}
	return d, nil
}

// topLabel returns one more than the largest label, at least 2.
func topLabel(ys ...[]int) int {
	top := 2
	for _, y := range ys {
		for _, v := range y {
			top = max(top, v+1)
		}
	}
	return top
}

func openCSV(p param.Values) (Source, error) {
	o := csvOptions{labelColumn: p.Int("label_column"), scale: p.Float("scale")}
	trainPath, testPath := p.String("train"), p.String("test")
	xtr, ytr, ftr, err := readCSV(trainPath, o)
	if err != nil {
		return nil, &param.Problem{Key: "train", Msg: err.Error()}
	}
	xte, yte, fte, err := readCSV(testPath, o)
	if err != nil {
		return nil, &param.Problem{Key: "test", Msg: err.Error()}
	}
	if ftr != fte {
		return nil, param.Errorf("test", "%s has %d features but %s has %d", trainPath, ftr, testPath, fte)
	}
	classes := p.Int("classes")
	if classes == 0 {
		classes = topLabel(ytr, yte)
	}
	s := &csvSet{info: Info{Train: len(ytr), Test: len(yte), Features: ftr, Classes: classes}}
	if s.train, err = labelled(trainPath, xtr, ytr, ftr, classes); err != nil {
		return nil, &param.Problem{Key: "classes", Msg: err.Error()}
	}
	if s.test, err = labelled(testPath, xte, yte, fte, classes); err != nil {
		return nil, &param.Problem{Key: "classes", Msg: err.Error()}
	}
	return s, nil
}

// fileSpecs returns required Path specs for the given keys.
func fileSpecs(docs ...[2]string) []param.Spec {
	specs := make([]param.Spec, len(docs))
	for i, d := range docs {
		specs[i] = param.Spec{Key: d[0], Kind: param.Path, Required: true, Doc: d[1]}
	}
	return specs
}

// checkFiles reports path keys that do not name regular files.
func checkFiles(p param.Values, keys ...string) error {
	var errs []error
	for _, k := range keys {
		st, err := os.Stat(p.String(k))
		switch {
		case err != nil:
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			errs = append(errs, param.Errorf(k, "cannot use %s: %v", p.String(k), err))
		case !st.Mode().IsRegular():
			errs = append(errs, param.Errorf(k, "%s is not a regular file", p.String(k)))
		}
	}
	return errors.Join(errs...)
}

// commonSpecs are the keys of the file sources that read numbers: scale and classes.
func commonSpecs() []param.Spec {
	return []param.Spec{
		{Key: "scale", Kind: param.Float, Range: param.Positive(1e9), Default: 1.0,
			Doc: "every feature is multiplied by it (1/255 = 0.00392156862745098 for pixels stored as 0-255)"},
		{Key: "classes", Kind: param.Int, Range: param.Closed(0, maxIdxLabels), Default: 0,
			Doc: "the number of classes; 0 = one more than the largest label"},
	}
}

func init() {
	Register(Kind{
		Name:    "csv",
		Summary: "a feature matrix with integer labels in two CSV files, one sample per row",
		Params: append(append(fileSpecs(
			[2]string{"train", "the training CSV file, relative to the scenario file"},
			[2]string{"test", "the test CSV file, with the same columns"}),
			param.Spec{Key: "label_column", Kind: param.Int, Range: param.Closed(-1, 100000), Default: 0,
				Doc: "the column holding the label, counted from 0; −1 = the last; every other column is a feature"}),
			commonSpecs()...),
		Check: func(p param.Values) error { return checkFiles(p, "train", "test") },
		Open:  openCSV,
	})
}
