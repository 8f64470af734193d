package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/mel-des/mel-des/figures"
	"gonum.org/v1/plot"
)

const plotAbout = `Draws one of the paper's figures from a sweep's results CSV (mel-des sweep) as PNG or SVG,
chosen by the extension of --out, or the accuracy of several runs against simulated time or
energy from their run directories:

  accuracy  test accuracy vs. global update index, one line per policy and c (Figs. 4-5);
            filter to one setting, e.g. --where deadline_s=10 --where energy_j=10
  final     accuracy after --n updates vs. the deadline T, per policy and c (Fig. 6);
            filter to one energy, e.g. --where energy_j=10
  reach     updates needed to reach --threshold percent vs. T (Figs. 7-8); a setting that
            never gets there is marked "n.r."
  time      test accuracy vs. simulated time, one curve per label, from runs' evals.csv:
            mel-des plot --kind time RUN... where RUN is a run directory (or its evals.csv),
            optionally LABEL=RUN; without a label, the run's scenario.toml gives one
            ("HA-Async c=2", "FedBuff M=10"). Runs with the same label are seeds, averaged.
            A synchronous run needs "evals" in output.files
  energy    the same against the energy all learners have drawn

Values are averaged over seeds, with the min-max spread shown. --csv also writes the plotted
numbers; with only --csv, no image is drawn.`

func cmdPlot(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("plot", "RESULTS.csv --kind accuracy|final|reach (--out FILE.png|svg | --csv FILE.csv) [flags]\n       mel-des plot --kind time|energy [LABEL=]RUN... (--out FILE.png|svg | --csv FILE.csv) [flags]", plotAbout, stdout)
	kind := fs.String("kind", "accuracy", "figure: accuracy, final, reach, time or energy")
	out := fs.String("out", "", "image file to write, .png or .svg")
	var where multiFlag
	fs.Var(&where, "where", "keep only rows whose `COLUMN=VALUE` (e.g. deadline_s=10, energy_j=10, policy=ha-sync), repeatable")
	n := fs.Int("n", 12, "final: the number of global updates after which accuracy is read")
	threshold := fs.Float64("threshold", 95.5, "reach: the accuracy threshold in percent")
	width := fs.Float64("width", 7, "figure width in inches")
	height := fs.Float64("height", 4.5, "figure height in inches")
	title := fs.String("title", "", "figure title (default: derived from the filters)")
	noSpread := fs.Bool("no-spread", false, "do not draw the min-max spread across seeds")
	csvOut := fs.String("csv", "", "write the plotted numbers to this CSV file (with or without --out)")
	points := fs.Int("points", 400, "time, energy: sample points of each curve")
	ymin := fs.Float64("ymin", 0, "time, energy: the lower end of the accuracy axis in percent (default: fitted to the curves after their first fifth)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return helpOr(err)
	}
	if *kind == "time" || *kind == "energy" {
		return plotTimeline(pos, *kind, *out, *csvOut, *points, *width, *height,
			figures.Options{Title: *title, NoSpread: *noSpread, YMin: *ymin}, where, stdout)
	}
	if len(pos) != 1 {
		return usageErrorf("plot needs exactly one results CSV, got %d arguments", len(pos))
	}
	if *out == "" && *csvOut == "" {
		return usageErrorf("plot needs --out FILE.png or FILE.svg, or --csv FILE.csv, or both")
	}
	if ext := strings.ToLower(filepath.Ext(*out)); *out != "" && ext != ".png" && ext != ".svg" {
		return usageErrorf("--out %s: unsupported format %q, want .png or .svg", *out, ext)
	}
	if !(*width > 0 && *height > 0) {
		return usageErrorf("--width and --height must be > 0 inches")
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return usageErrorf("%v", err)
	}
	res, err := figures.ReadResults(f)
	f.Close()
	if err != nil {
		return usageErrorf("%s: %v", pos[0], err)
	}
	for _, w := range where {
		k, v, ok := strings.Cut(w, "=")
		if !ok {
			return usageErrorf("--where %q: want COLUMN=VALUE", w)
		}
		if res, err = res.Where(strings.TrimSpace(k), strings.TrimSpace(v)); err != nil {
			return usageErrorf("--where %s: %v", w, err)
		}
	}
	opts := figures.Options{Title: *title, NoSpread: *noSpread}
	var series []figures.Series
	var xName string
	switch *kind {
	case "accuracy":
		series, err = figures.AccuracyCurves(res)
		xName = "cycle"
	case "final":
		series, err = figures.FinalAccuracy(res, *n)
		xName = "deadline_s"
	case "reach":
		series, err = figures.UpdatesToReach(res, *threshold)
		xName = "deadline_s"
	default:
		return usageErrorf("--kind %q: want accuracy, final, reach, time or energy", *kind)
	}
	if err != nil {
		return plotError(res, err)
	}
	if *out != "" {
		p, err := drawFigure(*kind, res, *n, *threshold, opts)
		if err != nil {
			return plotError(res, err)
		}
		if err := figures.Save(p, *out, *width, *height); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s (%d series)\n", *out, len(series))
	}
	if *csvOut != "" {
		a, err := createAtomic(*csvOut)
		if err != nil {
			return err
		}
		if err := figures.WriteCSV(a, xName, series); err != nil {
			a.Abort()
			return err
		}
		if err := a.Commit(); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s\n", *csvOut)
	}
	return nil
}

// drawFigure draws the figure of the given kind.
func drawFigure(kind string, res *figures.Results, n int, threshold float64, opts figures.Options) (p *plot.Plot, err error) {
	switch kind {
	case "final":
		return figures.Final(res, n, opts)
	case "reach":
		return figures.Reach(res, threshold, opts)
	}
	return figures.Accuracy(res, opts)
}

// plotError turns an error about the results into bad input, saying how to select one value
// of a mixed column on the command line rather than in Go.
func plotError(res *figures.Results, err error) error {
	var me *figures.MixedError
	if !errors.As(err, &me) {
		return usageErrorf("%v", err)
	}
	vals, _ := res.Values(me.Column)
	if len(vals) > 10 {
		vals = append(vals[:10:10], "...")
	}
	return usageErrorf("plot: %s mixes %s = %s (line %d) and %s (line %d); select one with --where %s=%s (values: %s)",
		me.Series, me.Column, me.Values[0], me.Lines[0], me.Values[1], me.Lines[1], me.Column, me.Values[0], strings.Join(vals, ", "))
}
