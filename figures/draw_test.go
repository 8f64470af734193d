package figures

import (
	"bytes"
	"flag"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"
)

// keep writes the test figures to this directory for a look by eye.
var keep = flag.String("keep", "", "write the test figures to `dir`")

// figures returns the three kinds of figure drawn from testdata/small.csv.
func figures(t *testing.T) map[string]*plot.Plot {
	t.Helper()
	res := small(t)
	t10, err := res.Where("T", "10")
	if err != nil {
		t.Fatal(err)
	}
	acc, err := Accuracy(t10, Options{})
	if err != nil {
		t.Fatal(err)
	}
	final, err := Final(res, 2, Options{})
	if err != nil {
		t.Fatal(err)
	}
	reach, err := Reach(res, 97.3, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*plot.Plot{"accuracy": acc, "final": final, "reach": reach}
}

func TestSavePNG(t *testing.T) {
	dir := t.TempDir()
	if *keep != "" {
		dir = *keep
	}
	for name, p := range figures(t) {
		path := filepath.Join(dir, name+".png")
		if err := Save(p, path, 4, 3); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if b := img.Bounds(); b.Dx() != 4*DPI || b.Dy() != 3*DPI {
			t.Errorf("%s: %d × %d pixels, want %d × %d", name, b.Dx(), b.Dy(), 4*DPI, 3*DPI)
		}
	}
}

func TestSaveSVG(t *testing.T) {
	figs := figures(t)
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"accuracy", []string{"T = 10 s, E = 10 J", "HA-Async c=1", "HA-Async c=2", "HA-Sync",
			"Global update index", "Test accuracy (%)", "mean of 2 seeds, bars: min-max"}},
		{"final", []string{"Accuracy after 2 updates, E = 10 J", "Cycle deadline T (s)", "HA-Async c=1", "HA-Sync"}},
		{"reach", []string{"Updates to reach 97.3 %", "HA-Async c=2", "HA-Sync (never reached)",
			"n.r.: not reached in 4 updates", "1/2"}},
	} {
		path := filepath.Join(t.TempDir(), tc.name+".SVG")
		if err := Save(figs[tc.name], path, 6, 4); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		svg := string(b)
		if !strings.HasPrefix(svg, "<?xml") || !strings.Contains(svg, `width="432pt" height="288pt"`) {
			t.Errorf("%s: not a 6 × 4 in SVG: %.200s", tc.name, svg)
		}
		for _, w := range tc.want {
			if !strings.Contains(svg, w) {
				t.Errorf("%s: SVG lacks %q", tc.name, w)
			}
		}
	}
}

func TestSaveErrors(t *testing.T) {
	p := figures(t)["final"]
	dir := t.TempDir()
	for _, name := range []string{"fig.pdf", "fig", "fig.png.txt"} {
		path := filepath.Join(dir, name)
		err := Save(p, path, 6, 4)
		if err == nil || !strings.HasPrefix(err.Error(), "figures: ") {
			t.Errorf("Save(%s): err = %v, want an unsupported-format error", name, err)
		}
		if _, err := os.Stat(path); err == nil {
			t.Errorf("Save(%s) created the file", name)
		}
	}
	for _, size := range [][2]float64{{0, 4}, {6, -1}} {
		if err := Save(p, filepath.Join(dir, "x.png"), size[0], size[1]); err == nil {
			t.Errorf("Save at %g × %g in: no error", size[0], size[1])
		}
	}
	if err := Write(&bytes.Buffer{}, p, "eps", 6, 4); err == nil {
		t.Error("Write(eps): no error")
	}
}

func TestOptions(t *testing.T) {
	res, err := small(t).Where("T", "10")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Accuracy(res, Options{Title: "Fig. 5a", NoSpread: true})
	if err != nil {
		t.Fatal(err)
	}
	if p.Title.Text != "Fig. 5a" {
		t.Errorf("title %q", p.Title.Text)
	}
	// Means span 87.5-97.15 %; without the spread the y axis fits them with
	// a 0.5-point margin, far from 0-100.
	if p.Y.Min != 87.0 || p.Y.Max < 97.6 || p.Y.Max > 97.7 {
		t.Errorf("y range %g-%g, want 87-97.65", p.Y.Min, p.Y.Max)
	}
	var buf bytes.Buffer
	if err := Write(&buf, p, "svg", 6, 4); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "bars: min-max") {
		t.Error("NoSpread figure still mentions error bars")
	}
}

func TestSeriesStyles(t *testing.T) {
	// Twenty series of a full sweep must differ pairwise in colour, dashes
	// or marker.
	seen := map[string]string{}
	for _, p := range policyOrder() {
		for c := range 6 {
			s := Series{Policy: p, Staleness: c, Label: keyOf(p, c).label()}
			if isSync(p) {
				if c > 0 {
					continue
				}
				s.Staleness = AnyStaleness
			}
			line, mark := seriesStyle(s)
			key := fmt.Sprintf("%v|%v|%T", line.Color, line.Dashes, mark.Shape)
			if prev, dup := seen[key]; dup {
				t.Errorf("%s and %s look alike", prev, s.Label)
			}
			seen[key] = s.Label
		}
	}
	if len(seen) != 20 {
		t.Errorf("%d styles, want 20", len(seen))
	}
}
