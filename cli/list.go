package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mel-des/mel-des/aggregate"
	"github.com/mel-des/mel-des/mel"
	"github.com/mel-des/mel-des/policy"
	"github.com/mel-des/mel-des/scenarios"
	"github.com/mel-des/mel-des/sweep"
)

func cmdList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("list", "", "Lists the embedded example scenarios (run them by name), the registered task-allocation\npolicies (policy.name in a scenario, --policy on the command line) and the aggregation\nschemes (aggregation.name).", stdout)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return helpOr(err)
	}
	if len(pos) > 0 {
		return usageErrorf("list takes no arguments, got %q", pos)
	}
	fmt.Fprintln(stdout, "Embedded scenarios (mel-des run NAME):")
	for _, n := range scenarios.Embedded() {
		fmt.Fprintf(stdout, "  %-16s %s\n", n, scenarios.Describe(n))
	}
	fmt.Fprintln(stdout, "\nPolicies (policy.name = NAME, or --policy NAME):")
	for _, n := range policy.Names() {
		fmt.Fprintf(stdout, "  %-16s %s\n", n, policy.Describe(n))
	}
	fmt.Fprintln(stdout, "\nAggregation schemes (aggregation.name = NAME; docs/scenario.md has their keys):")
	for _, n := range aggregate.Kinds() {
		k, _ := aggregate.Lookup(n)
		fmt.Fprintf(stdout, "  %-16s %s\n", n, k.Summary)
	}
	return nil
}

func cmdValidate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("validate", "SCENARIO.toml...", "Checks scenario files (or embedded names) without running them: decoding, every key, unit\nand range, and the construction of learners, links and policy. Exit code 0 if all are\nvalid, 2 otherwise; every problem is printed to stderr.", stdout)
	pos, err := parseArgs(fs, args)
	if err != nil {
		return helpOr(err)
	}
	if len(pos) == 0 {
		return usageErrorf("validate needs at least one scenario file")
	}
	bad := 0
	for _, arg := range pos {
		err := validateOne(arg)
		if err != nil {
			bad++
			if isSweepFile(arg) {
				fmt.Fprintf(stderr, "%s: a sweep file, not a scenario (it has base, [axes] or [[group]]); check it with: mel-des sweep %s --dry-run\n", arg, arg)
				continue
			}
			fmt.Fprintf(stderr, "%s: invalid:\n  %s\n", arg, strings.ReplaceAll(err.Error(), "\n", "\n  "))
			continue
		}
		fmt.Fprintf(stdout, "%s: ok\n", arg)
	}
	if bad > 0 {
		return usageErrorf("%d of %d scenarios invalid", bad, len(pos))
	}
	return nil
}

func validateOne(arg string) error {
	sc, err := scenarios.Resolve(arg)
	if err != nil {
		return err
	}
	sys, err := mel.New(sc.Config)
	if err != nil {
		return err
	}
	sys.Close()
	return nil
}

// isSweepFile reports whether path is a readable sweep file, which validate does not check.
func isSweepFile(path string) bool {
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() || st.Size() > 1<<20 {
		return false
	}
	data, err := os.ReadFile(path)
	return err == nil && sweep.LooksLikeSweep(data)
}
