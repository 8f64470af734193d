package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mel-des/mel-des/aggregate"
	"github.com/mel-des/mel-des/dataset"
	"github.com/mel-des/mel-des/device"
	"github.com/mel-des/mel-des/mel"
	"github.com/mel-des/mel-des/param"
	"github.com/mel-des/mel-des/policy"
	"github.com/mel-des/mel-des/scenarios"
	"github.com/mel-des/mel-des/sweep"
)

func cmdList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("list", "", "Lists the embedded example scenarios (run them by name) and every registered extension:\nthe task-allocation policies (policy.name in a scenario, --policy on the command line) with\ntheir parameters and defaults, the aggregation schemes (aggregation.name), the mobility\nmodels, the data sources and the output files.", stdout)
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
	fmt.Fprintln(stdout, "\nPolicies (policy.name = NAME, or --policy NAME; other [policy] keys are its parameters):")
	for _, n := range policy.Names() {
		info, _ := policy.Lookup(n)
		fmt.Fprintf(stdout, "  %-18s %s\n", n, info.Description)
		if info.Params == nil {
			fmt.Fprintf(stdout, "  %-18s   (parameters not declared: the policy checks its own)\n", "")
		}
		listParams(stdout, info.Params)
	}
	fmt.Fprintln(stdout, "\nMobility models ([learners.mobility] model = NAME):")
	for _, n := range device.MobilityModels() {
		m, _ := device.LookupMobility(n)
		fmt.Fprintf(stdout, "  %-18s %s\n", n, m.Summary)
		listParams(stdout, m.Params)
	}
	fmt.Fprintln(stdout, "\nData sources ([dataset] source = NAME):")
	for _, n := range dataset.Kinds() {
		k, _ := dataset.Lookup(n)
		fmt.Fprintf(stdout, "  %-18s %s\n", n, k.Summary)
		listParams(stdout, k.Params)
	}
	fmt.Fprintln(stdout, "\nOutput files ([output] files = [NAME, ...]):")
	for _, o := range mel.Outputs() {
		def := ""
		if !o.Default {
			def = " (not written unless listed)"
		}
		fmt.Fprintf(stdout, "  %-18s %s: %s%s\n", o.Name, o.File, o.Summary, def)
	}
	fmt.Fprintln(stdout, "\nAggregation schemes (aggregation.name = NAME; docs/scenario.md has their keys):")
	for _, n := range aggregate.Kinds() {
		k, _ := aggregate.Lookup(n)
		fmt.Fprintf(stdout, "  %-16s %s\n", n, k.Summary)
	}
	return nil
}

// listParams prints a plug-in's parameters, one per line, with kind, default and range.
func listParams(w io.Writer, specs []param.Spec) {
	for _, s := range specs {
		var b strings.Builder
		fmt.Fprintf(&b, "      %s (%s", s.Key, s.Kind)
		if s.Unit != "" {
			fmt.Fprintf(&b, ", %s", s.Unit)
		}
		switch {
		case s.Required:
			b.WriteString(", required")
		case s.Default != nil:
			fmt.Fprintf(&b, ", default %v", s.Default)
		}
		if (s.Kind == param.Float || s.Kind == param.Int) && s.Range != (param.Range{}) {
			fmt.Fprintf(&b, ", in %v", s.Range)
		}
		if len(s.Choices) > 0 {
			fmt.Fprintf(&b, ", one of %s", param.QuoteAll(s.Choices))
		}
		fmt.Fprintf(&b, "): %s", s.Doc)
		fmt.Fprintln(w, b.String())
	}
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
		return sc.Locate(err)
	}
	defer sys.Close()
	return sc.Locate(sys.Preflight())
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
