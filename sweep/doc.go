// Package sweep runs parameter sweeps over mel-des scenarios: a base scenario with some of
// its keys varied over lists of values, one simulation (a cell) per combination, one
// results row per cell per completed cycle. Sweeps are resumable after a crash or Ctrl-C,
// run cells in parallel, and split into shards for cluster array jobs.
//
// # Sweep files
//
// A sweep file is TOML:
//
//	base     = "paper.toml"         # scenario file, relative to this file, or an embedded name
//	results  = "paper-results.csv"  # optional; default NAME-results.csv next to this file
//	parallel = 3                    # optional: cells at once
//	workers  = 0                    # optional: training goroutines shared by the cells; 0 = all cores
//
//	[axes]                          # varied in every cell
//	"simulation.deadline_s" = [10, 20]
//	"simulation.energy_j"   = [10, 20, 30]
//
//	[[group]]                       # optional; the cells of each group are added up
//	"policy.name"          = ["ha-sync", "hu-sync"]
//	"simulation.staleness" = [0]
//
//	[[group]]
//	"policy.name"          = ["ha-async-sai", "hu-async"]
//	"simulation.staleness" = [1, 2, 3, 4, 5]
//
// Keys are scenario key paths (see docs/scenario.md and scenarios.Override), quoted or
// written as dotted TOML keys; values are TOML strings, numbers, booleans or lists. The
// cells are the product of [axes] with the union over the groups of each group's product
// (just [axes] when there is no group), so that values that only make sense together,
// such as the synchronous policies with c = 0, stay together. In the example:
// 2 × 3 × (2 × 1 + 2 × 5) = 72 cells. The canonical cell order is [axes] outermost, then
// the groups in turn, each product with its first key varying slowest. A description key
// is allowed and ignored.
//
// Decoding is strict: an unknown key, an empty list, a value repeated in a list, something
// that is not a key path, a key both in [axes] and in a group, an empty [[group]], are
// errors naming the key and its line.
// Every axis value is then applied alone to the base scenario and every cell is resolved
// (Scenario.With) and validated, before anything runs; two cells that configure the same
// run (same Scenario.Hash) are an error. Load reports all problems at once in an *Error.
//
// # Results
//
// The results CSV has the columns
//
//	cell,policy,staleness,deadline_s,energy_j,seed,<other axes>,cycle,start_s,end_s,accuracy,
//	loss,objective,planned,arrived,tau_planned,tau_done,misses,died,energy_j_cycle,alive,
//	samples_trained
//
// and one row per cell per completed cycle. cell is the cell's Scenario.Hash, 16 hex digits
// of the SHA-256 of its resolved configuration; policy, staleness, deadline_s (s),
// energy_j (J) and seed are read from the resolved configuration, so they are there whether
// or not they are axes; each other axis gets a column named by its key path, empty in
// cells of a group that does not vary it. The per-cycle columns are mel.CyclesHeader, its
// energy_j renamed energy_j_cycle. Floats are written with strconv 'g', -1, so they read
// back exactly. The figures package reads this file.
//
// Next to it, RESULTS.done (IndexSuffix) is the index: a CSV with the header
// cell,index,cycles,reason,axes and one line per complete cell: its hash, its position in
// the sweep's cell order, its number of rows, why its run ended (mel.Summary.Reason) and
// its axis values (Cell.Label). A RESULTS.lock file (LockSuffix) keeps two sweeps from
// writing the same results at once.
//
// # Crash safety and resumption
//
// When a cell ends, its rows are appended in one write and fsynced, then its index line is
// appended and fsynced. A crash or Ctrl-C thus loses at most the cells in flight. On start,
// Run keeps the cells that the index lists with the right number of rows, skips them, and
// removes everything else (rows of cells not listed, a torn last line) by rewriting both
// files through a temporary file and a rename, so a row is never duplicated. A cell whose
// run ends early because no plan is feasible or every battery is empty is complete, with
// fewer rows and its reason in the index. A cell that fails with an error is not recorded:
// it runs again next time.
//
// # Determinism
//
// Runs are deterministic given their configuration, whatever the worker count. When the
// cells of a Run are done, it rewrites the results and the index in canonical order (cell
// order, then cycle), so the files of a finished sweep are the same bytes whatever the
// parallelism, the worker count, and the interruptions and resumptions on the way; the
// tests check this, and that shards merged with Merge equal an unsharded run.
//
// # Parallelism and shards
//
// Run runs Options.Parallel cells at once (DefaultParallel, 3, explains the default) on one
// mlcore pool of Options.Workers goroutines, and loads MNIST at most once. A Shard selects
// the cells whose index is i mod n; ShardFromEnv reads it from a Slurm array task or a
// Kubernetes Indexed Job, and Shard.Path gives each shard its own results file. Merge
// combines shard results, reporting duplicate and missing cells.
package sweep
