package dataset

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/param"
)

func TestKindsRegistered(t *testing.T) {
	want := []string{"csv", "idx", "mnist", "npy", "synthetic"}
	if got := Kinds(); !reflect.DeepEqual(got, want) {
		t.Errorf("Kinds() = %q, want %q", got, want)
	}
	seeded := map[string]bool{"synthetic": true}
	for _, name := range want {
		k, ok := Lookup(name)
		if !ok || k.Name != name {
			t.Errorf("Lookup(%q) = %q, %v", name, k.Name, ok)
		}
		if k.Seeded != seeded[name] || (Config{Source: name}).Seeded() != seeded[name] {
			t.Errorf("%s: Seeded = %v, want %v", name, k.Seeded, seeded[name])
		}
	}
	if (Config{Source: "parquet"}).Seeded() {
		t.Error("an unknown source is Seeded")
	}
}

// TestKindSpecs checks every registered source's description: documented, unique keys, and
// defaults that pass their own checks.
func TestKindSpecs(t *testing.T) {
	for _, name := range Kinds() {
		k, _ := Lookup(name)
		if k.Summary == "" {
			t.Errorf("%s: no Summary", name)
		}
		seen := map[string]bool{}
		for _, s := range k.Params {
			where := name + "." + s.Key
			if s.Key == "" || seen[s.Key] {
				t.Errorf("%s: empty or duplicate key", where)
			}
			seen[s.Key] = true
			if s.Doc == "" || strings.HasPrefix(s.Kind.String(), "Kind(") {
				t.Errorf("%s: no Doc or no valid Kind", where)
			}
			if s.Required && s.Default != nil {
				t.Errorf("%s: required with a default", where)
			}
			if s.Default != nil {
				if v, err := s.Check(s.Default); err != nil || fmt.Sprint(v) != fmt.Sprint(s.Default) {
					t.Errorf("%s: default %v checks as %v, %v", where, s.Default, v, err)
				}
			}
		}
	}
}

func TestRegisterPanics(t *testing.T) {
	open := func(param.Values) (Source, error) { return synthetic{}, nil }
	tests := []struct {
		name string
		k    Kind
		want string
	}{
		{"empty name", Kind{Open: open}, "empty name"},
		{"nil Open", Kind{Name: "test-nil-open"}, "nil Open"},
		{"duplicate", Kind{Name: "mnist", Open: open}, `"mnist" registered twice`},
	}
	before := Kinds()
	for _, tc := range tests {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), tc.want) {
					t.Errorf("%s: panic %v, want one mentioning %q", tc.name, r, tc.want)
				}
			}()
			Register(tc.k)
		}()
	}
	if after := Kinds(); !reflect.DeepEqual(after, before) {
		t.Errorf("a failed registration changed the registry: %q, was %q", after, before)
	}
}

// TestConfigZeroIsMNIST: the zero Config is MNIST from the default location; opening it
// reads nothing, and its Info is MNIST's nominal size.
func TestConfigZeroIsMNIST(t *testing.T) {
	var c Config
	if c.Name() != "mnist" || c.Name() != DefaultSource {
		t.Errorf("zero Config names %q", c.Name())
	}
	k, p, err := c.Resolve()
	if err != nil || k.Name != "mnist" || len(p) != 0 {
		t.Errorf("Resolve() = %q, %v, %v; want mnist with no parameters", k.Name, p, err)
	}
	t.Setenv(MNISTDirEnv, filepath.Join(t.TempDir(), "not-read-at-open"))
	src, err := c.Open()
	if err != nil {
		t.Fatal(err)
	}
	if want := (Info{Train: 60000, Test: 10000, Features: 784, Classes: 10}); src.Info() != want {
		t.Errorf("Info = %+v, want %+v", src.Info(), want)
	}
}

func TestConfigUnknownSource(t *testing.T) {
	_, _, err := Config{Source: "mnsit"}.Resolve()
	p, ok := err.(*param.Problem)
	want := `unknown value (did you mean "mnist"?); want one of "csv", "idx", "mnist", "npy" or "synthetic"`
	if !ok || p.Key != "source" || p.Msg != want {
		t.Errorf("Resolve: %#v\nwant source: %q", err, want)
	}
	_, err = Config{Source: "mnsit"}.Open()
	if err == nil || err.Error() != "dataset: mnsit: source: "+want {
		t.Errorf("Open: %v", err)
	}
}

func TestConfigParameterProblems(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file.csv")
	if err := os.WriteFile(file, []byte("0,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	nope := filepath.Join(dir, "nope")
	tests := []struct {
		name string
		c    Config
		want []string // the problems, with DIR for the directory
	}{
		{"unknown parameter", Config{Source: "synthetic", Params: param.Values{"synthetic_trian": int64(5)}},
			[]string{"synthetic_trian: unknown parameter (did you mean synthetic_train?); known: synthetic_train, synthetic_test, synthetic_dim, synthetic_classes"}},
		{"mnist takes only dir", Config{Params: param.Values{"train_images": "x"}},
			[]string{"train_images: unknown parameter; known: dir"}},
		{"out of range", Config{Source: "synthetic", Params: param.Values{"synthetic_classes": int64(1)}},
			[]string{"synthetic_classes: out of range: want an integer in [2, 256]"}},
		{"idx needs dir", Config{Source: "idx"}, []string{"dir: missing: required"}},
		{"idx dir missing", Config{Source: "idx", Params: param.Values{"dir": nope}},
			[]string{"dir: cannot use DIR/nope: no such file or directory"}},
		{"mnist dir missing", Config{Params: param.Values{"dir": nope}},
			[]string{"dir: cannot use DIR/nope: no such file or directory"}},
		{"mnist dir is a file", Config{Params: param.Values{"dir": file}},
			[]string{"dir: DIR/file.csv is not a directory"}},
		{"csv files missing", Config{Source: "csv", Params: param.Values{"train": nope, "test": nope + "2"}},
			[]string{"train: cannot use DIR/nope: no such file or directory", "test: cannot use DIR/nope2: no such file or directory"}},
		{"csv file is a directory", Config{Source: "csv", Params: param.Values{"train": file, "test": dir}},
			[]string{"test: DIR is not a regular file"}},
		{"csv needs both files", Config{Source: "csv", Params: param.Values{"train": file}},
			[]string{"test: missing: required"}},
		{"npy file missing", Config{Source: "npy", Params: param.Values{"train_x": file, "train_y": file, "test_x": file, "test_y": nope}},
			[]string{"test_y: cannot use DIR/nope: no such file or directory"}},
		{"empty path", Config{Source: "idx", Params: param.Values{"dir": ""}}, []string{"dir: empty path"}},
	}
	for _, tc := range tests {
		_, _, err := tc.c.Resolve()
		var got []string
		for _, p := range param.Problems(err) {
			got = append(got, p.Error())
		}
		var want []string
		for _, w := range tc.want {
			want = append(want, replaceDir(w, dir))
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: problems\n got %q\nwant %q", tc.name, got, want)
		}
		if _, err := tc.c.Open(); err == nil || !strings.HasPrefix(err.Error(), "dataset: "+tc.c.Name()+": ") {
			t.Errorf("%s: Open error %v, want it prefixed by the source", tc.name, err)
		}
	}
}

// TestConfigKey: two configurations have the same Key exactly when they name the same
// source with the same resolved parameters — defaults written out or left out, integers as
// TOML or Go writes them.
func TestConfigKey(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.csv"), filepath.Join(dir, "b.csv")
	for _, f := range []string{a, b} {
		if err := os.WriteFile(f, []byte("0,1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	syn := func(p param.Values) Config { return Config{Source: "synthetic", Params: p} }
	csv := func(p param.Values) Config { return Config{Source: "csv", Params: p} }
	groups := [][]Config{
		{{}, {Source: "mnist"}, {Source: "mnist", Params: param.Values{}}},
		{{Params: param.Values{"dir": dir}}, {Source: "mnist", Params: param.Values{"dir": dir}}},
		{{Source: "idx", Params: param.Values{"dir": dir}},
			{Source: "idx", Params: param.Values{"dir": dir, "train_images": mnistTrainImages, "classes": int64(0)}}},
		{syn(nil), syn(param.Values{"synthetic_train": int64(6000)}), syn(param.Values{"synthetic_train": 6000}),
			syn(param.Values{"synthetic_train": 6000.0, "synthetic_classes": int64(10)})},
		{syn(param.Values{"synthetic_train": int64(100)}), syn(param.Values{"synthetic_train": 100.0})},
		{syn(param.Values{"synthetic_dim": int64(100)})},
		{csv(param.Values{"train": a, "test": b}), csv(param.Values{"train": a, "test": b, "scale": int64(1), "label_column": 0})},
		{csv(param.Values{"train": b, "test": a})},
		{csv(param.Values{"train": a, "test": b, "scale": 0.5})},
		{csv(param.Values{"train": a, "test": b, "label_column": int64(-1)})},
	}
	for i, g := range groups {
		for _, c := range g {
			if c.Key() != g[0].Key() {
				t.Errorf("group %d: %s %v and %s %v have different keys", i, g[0].Name(), g[0].Params, c.Name(), c.Params)
			}
		}
		for j, h := range groups[i+1:] {
			if h[0].Key() == g[0].Key() {
				t.Errorf("groups %d and %d share the key %q", i, i+1+j, g[0].Key())
			}
		}
	}
}
