package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/mel-des/mel-des/figures"
	"github.com/mel-des/mel-des/mel"
	"github.com/mel-des/mel-des/scenarios"
)

// plotTimeline draws (or writes as CSV) the accuracy of several runs against simulated time
// or energy.
func plotTimeline(pos []string, kind, out, csvOut string, points int, width, height float64,
	opts figures.Options, where multiFlag, stdout io.Writer) error {
	switch {
	case len(pos) == 0:
		return usageErrorf("plot --kind %s needs at least one run directory or evals.csv", kind)
	case out == "" && csvOut == "":
		return usageErrorf("plot needs --out FILE.png or FILE.svg, or --csv FILE.csv, or both")
	case len(where) > 0:
		return usageErrorf("--where filters a sweep's results; with --kind %s, name the runs to draw", kind)
	case points < 1:
		return usageErrorf("--points %d: want at least 1", points)
	case !(width > 0 && height > 0):
		return usageErrorf("--width and --height must be > 0 inches")
	}
	if ext := strings.ToLower(filepath.Ext(out)); out != "" && ext != ".png" && ext != ".svg" {
		return usageErrorf("--out %s: unsupported format %q, want .png or .svg", out, ext)
	}
	var runs []figures.Run
	for _, arg := range pos {
		r, err := readRun(arg)
		if err != nil {
			return err
		}
		runs = append(runs, r)
	}
	axis := figures.TimeAxis
	if kind == "energy" {
		axis = figures.EnergyAxis
	}
	series, err := figures.Timelines(runs, axis, points)
	if err != nil {
		return usageErrorf("%v", err)
	}
	if out != "" {
		p, err := figures.Timeline(runs, axis, points, opts)
		if err != nil {
			return usageErrorf("%v", err)
		}
		if err := figures.Save(p, out, width, height); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s (%d series)\n", out, len(series))
	}
	if csvOut != "" {
		a, err := createAtomic(csvOut)
		if err != nil {
			return err
		}
		if err := figures.WriteCSV(a, string(axis), series); err != nil {
			a.Abort()
			return err
		}
		if err := a.Commit(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", csvOut)
	}
	return nil
}

// readRun reads one positional argument of plot --kind time: [LABEL=]PATH, PATH a run
// directory or an evals.csv. Without a label, the scenario.toml beside the file names the
// series.
func readRun(arg string) (figures.Run, error) {
	label, path, hasLabel := strings.Cut(arg, "=")
	if !hasLabel {
		path, label = arg, ""
	}
	file := path
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		file = filepath.Join(path, "evals.csv")
	}
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) && file != path {
		return figures.Run{}, usageErrorf("%s has no evals.csv: a synchronous run writes it only with \"evals\" in output.files (--set 'output.files=[\"cycles\",\"evals\"]')", path)
	}
	if err != nil {
		return figures.Run{}, usageErrorf("%v", err)
	}
	evals, err := figures.ReadEvals(f)
	f.Close()
	if err != nil {
		return figures.Run{}, usageErrorf("%s: %v", file, err)
	}
	if label == "" {
		label = runLabel(filepath.Dir(file))
	}
	return figures.Run{Label: label, Evals: evals}, nil
}

// runLabel names a run by its scenario.toml: the policy in the synchronous schedule
// ("HA-Async c=2", "HA-Sync"), the aggregation scheme in the asynchronous one ("FedAsync",
// "FedBuff M=10"); the directory's name if it has no readable scenario.toml.
func runLabel(dir string) string {
	sc, err := scenarios.Load(filepath.Join(dir, "scenario.toml"))
	if err != nil {
		return filepath.Base(dir)
	}
	c := sc.Config
	if c.Schedule != mel.Asynchronous {
		return figures.PolicyLabel(c.Policy, c.Staleness)
	}
	name := c.Aggregation.NameFor(true)
	_, p, err := c.Aggregation.Resolve(true)
	switch {
	case err != nil:
		return name
	case name == "fedbuff":
		return "FedBuff M=" + strconv.Itoa(p.Int("buffer_size"))
	case name == "fedasync":
		return "FedAsync"
	}
	return name
}
