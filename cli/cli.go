// Package cli is the mel-des command line: run, plan, validate, list, sweep, merge, plot and data.
// It lives in a package of its own, not in package main, so that a program can embed it
// together with its own policies:
//
//	package cli
//
//	import (
//		"os"
//
//		"github.com/mel-des/mel-des/cli"
//		_ "example.com/mypolicies" // calls policy.Register in an init function
//	)
//
//	func main() { os.Exit(cli.Main(os.Args[1:])) }
//
// Such a binary accepts the new policy names in scenarios, sweeps and --policy, and lists
// them in `mel-des list`. See examples/plugin.
//
// Usage of the command:
//
//	mel-des run [SCENARIO.toml | NAME] [flags]   simulate and write metrics and traces
//	mel-des plan [SCENARIO.toml | NAME] [flags]  show the first cycle's allocation
//	mel-des validate SCENARIO.toml...            check scenario files without running
//	mel-des list                                 embedded scenarios and policies
//	mel-des sweep SWEEP.toml [flags]             run a parameter sweep (resumable, shardable)
//	mel-des merge OUT.csv SHARD.csv...           combine the results of sweep shards
//	mel-des plot RESULTS.csv [flags]             draw accuracy figures from sweep results
//	mel-des data export DIR [flags]              copy the MNIST files for machines without Go
//
// Run `mel-des help COMMAND` or `mel-des COMMAND --help` for a command's flags.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// Main runs the command line with args (without the program name) on the process's standard
// streams, stops at the next simulated event on SIGINT or SIGTERM, prints any error to stderr
// and returns the exit code: 0 success, 1 run failure, 2 bad usage or bad scenario,
// 130 interrupted (outputs flushed).
func Main(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return ExitCode(Run(ctx, args, os.Stdout, os.Stderr), os.Stderr)
}

// Run runs the command line with args, writing to stdout and stderr; cancelling ctx
// interrupts a run or sweep at its next event. Errors of bad usage or bad input satisfy
// IsUsage.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return run(ctx, args, stdout, stderr)
}

// IsUsage reports whether err is bad usage or bad input (exit code 2).
func IsUsage(err error) bool {
	var ue *usageError
	return errors.As(err, &ue)
}

// ExitCode prints err, if any, to stderr and returns the exit code for it.
func ExitCode(err error, stderr io.Writer) int { return exitCode(err, stderr) }

// Exit codes.
const (
	exitOK          = 0
	exitFailure     = 1   // the run failed
	exitUsage       = 2   // bad usage or a bad scenario
	exitInterrupted = 130 // stopped by Ctrl-C or SIGTERM, outputs flushed
)

// usageError is bad usage or bad input: exit code 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, a ...any) error {
	return &usageError{fmt.Sprintf(format, a...)}
}

// errInterrupted reports a run stopped by a signal after flushing its outputs.
var errInterrupted = errors.New("interrupted; the outputs hold every completed cycle")

// exitCode prints err (if any) to stderr and returns the process exit code.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "mel-des: %v\n", err)
	var ue *usageError
	switch {
	case errors.As(err, &ue):
		return exitUsage
	case errors.Is(err, errInterrupted):
		return exitInterrupted
	}
	return exitFailure
}

// command is one subcommand.
type command struct {
	name, args, summary string
	run                 func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"run", "[SCENARIO.toml | NAME] [flags]", "simulate a scenario and write metrics and traces", cmdRun},
		{"plan", "[SCENARIO.toml | NAME] [flags]", "solve and show the first cycle's allocation", cmdPlan},
		{"validate", "SCENARIO.toml...", "check scenario files without running them", cmdValidate},
		{"list", "", "list the embedded scenarios and the registered policies", cmdList},
		{"sweep", "SWEEP.toml [flags]", "run a parameter sweep (parallel, resumable, shardable)", cmdSweep},
		{"merge", "OUT.csv SHARD.csv... [flags]", "combine sweep shard results, reporting missing and duplicate cells", cmdMerge},
		{"plot", "RESULTS.csv --kind accuracy|final|reach (--out FILE.png|svg | --csv FILE.csv) [flags]", "draw the paper's figures from sweep results", cmdPlot},
		{"data", "export DIR [--force]", "copy the MNIST idx files to DIR, for machines without Go (MELDES_MNIST_DIR)", cmdData},
	}
}

// run is the whole program behind main, reachable from tests.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		printUsage(stderr)
		return usageErrorf("no command given")
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 && args[0] == "help" {
			return run(ctx, []string{args[1], "--help"}, stdout, stderr)
		}
		printUsage(stdout)
		return nil
	case "-version", "--version", "version":
		fmt.Fprintln(stdout, "mel-des", version())
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	printUsage(stderr)
	return usageErrorf("unknown command %q", args[0])
}

func printUsage(w io.Writer) {
	fmt.Fprint(w, `mel-des simulates mobile edge learning: an orchestrator trains a real neural network
across wireless learners, and a task-allocation policy decides every cycle how many samples
and local updates each learner gets.

Usage:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  mel-des %-9s %s\n      %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprint(w, `  mel-des --version

Run "mel-des COMMAND --help" for a command's flags. Exit codes: 0 success, 1 run failure,
2 bad usage or bad scenario, 130 interrupted (outputs flushed). Scenario reference:
docs/scenario.md.
`)
}

// version returns the module version and VCS revision the binary was built from.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown version)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" {
		v += " " + rev + dirty
	}
	return v + " " + bi.GoVersion
}

// newFlagSet returns a flag set whose --help prints the command's usage to stdout.
func newFlagSet(name, args, about string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Usage: mel-des %s %s\n\n%s\n", name, args, about)
		fs.SetOutput(stdout)
		if hasFlags(fs) {
			fmt.Fprintln(stdout, "\nFlags:")
			fs.PrintDefaults()
		}
		fs.SetOutput(io.Discard)
	}
	return fs
}

func hasFlags(fs *flag.FlagSet) bool {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	return n > 0
}

// parseArgs parses flags that may come before, between or after the positional arguments,
// and returns the positional ones. --help prints the usage and returns flag.ErrHelp.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	// The flag package calls Usage for --help and for every bad flag; only --help should
	// print the whole usage, a bad flag gets one line on stderr.
	usage := fs.Usage
	fs.Usage = func() {}
	defer func() { fs.Usage = usage }()
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				usage()
				return nil, err
			}
			return nil, usageErrorf("%s: %v (see mel-des %s --help)", fs.Name(), err, fs.Name())
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// helpOr turns flag.ErrHelp into success.
func helpOr(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return fmt.Sprint([]string(*m)) }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
