// Package figures draws the figures of the paper's section 5 from a sweep's
// results CSV, with gonum.org/v1/plot.
//
// # Input
//
// ReadResults reads the CSV that the sweep command writes: a header row and
// one row per (cell, cycle), with the columns
//
//	cell,policy,staleness,deadline_s,energy_j,seed,<extra axes>,cycle,start_s,end_s,
//	accuracy,loss,objective,planned,arrived,tau_planned,tau_done,misses,died,
//	energy_j_cycle,alive,samples_trained
//
// Columns are found by name, in any order; cell, policy, staleness,
// deadline_s, seed, cycle and accuracy are required. The extra axes are
// columns named by scenario key path (e.g. learners.mobility.max_speed_mps)
// whose value is constant within a cell. Where keeps the rows with one
// value of any column, as in
//
//	t10, err := res.Where("deadline_s", "10")
//
// # Computations
//
// Three pure functions return the plotted numbers, each a mean over seeds
// with the minimum and maximum across seeds:
//
//   - AccuracyCurves: test accuracy (%) against the global update index, one
//     series per policy and staleness cap c (the paper's Figs. 4 and 5);
//   - FinalAccuracy: accuracy after n updates against the cycle deadline T
//     (Figs. 6, 7a/b, 8a/b);
//   - UpdatesToReach: the first update whose accuracy reaches a threshold,
//     against T (Figs. 7c/d, 8c/d); a point that no seed reaches is kept
//     with N = 0, never dropped.
//
// The synchronous policies ha-sync and hu-sync ignore c, so their runs
// form one series ("HA-Sync", "HU-Sync"); when a sweep ran them at several
// c, the run with the smallest c stands for each seed. Series come in the
// order ha-async-sai ("HA-Async c=2"), ha-async-exact ("Exact c=2"),
// ha-sync, hu-sync, hu-async ("HU-Async c=2"), then other policies by
// name, each by increasing c. Runs that differ in a sweep axis the figure
// does not show (say E, or T for accuracy curves) are an error that names
// the column to filter on, never silently averaged.
//
// # Drawing
//
// Accuracy, Final and Reach draw those series; Save writes a plot as PNG
// (at DPI dots per inch) or SVG, with the legend beside the plot area.
// A series' colour encodes c and its dashes and marker its policy, so that
// the twenty series of a full sweep stay apart; error bars show the spread
// over seeds, and the y axis fits the data rather than 0-100 %.
package figures
