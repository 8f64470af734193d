package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/mel-des/mel-des/mel"
	"github.com/mel-des/mel-des/policy"
)

const planAbout = `Solves the first cycle's task allocation of the scenario (default quickstart) and prints,
per learner, its CPU, distance, rate and energy cap, the planned local updates tau_k and
samples d_k, the time and energy they use against T and E_k, and the constraint that binds.
Nothing is trained. With --all every registered policy is solved side by side; with --json
the problem (every learner's coefficients) and the plans are printed as JSON, so that another
program can check them.`

// planJSON is the --json output: the problem and one entry per policy.
type planJSON struct {
	Scenario string         `json:"scenario"`
	T        float64        `json:"deadline_s"`
	D        int            `json:"samples"`
	DL       int            `json:"min_samples"`
	C        int            `json:"staleness"`
	Learners []learnerJSON  `json:"learners"`
	Plans    []planEntryOut `json:"plans"`
}

type learnerJSON struct {
	Learner   int             `json:"learner"`
	Row       int             `json:"row"` // index into the plans' tau and d, −1 if left out (link down)
	FreqHz    float64         `json:"freq_hz"`
	DistanceM float64         `json:"distance_m"`
	RateBps   float64         `json:"rate_bps"`
	CapJ      float64         `json:"cap_j"`
	Coef      *policy.Learner `json:"coefficients,omitempty"`
}

type planEntryOut struct {
	Policy     string   `json:"policy"`
	Error      string   `json:"error,omitempty"`
	Tau        []int    `json:"tau,omitempty"`
	D          []int    `json:"d,omitempty"`
	Objective  float64  `json:"objective"`
	RelaxedTau float64  `json:"relaxed_tau"`
	Binding    []string `json:"binding,omitempty"`
	Notes      []string `json:"notes,omitempty"`
}

// solved is one policy's answer.
type solved struct {
	name string
	plan policy.Plan
	err  error
}

func cmdPlan(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("plan", "[SCENARIO.toml | NAME] [flags]", planAbout, stdout)
	// plan solves the first cycle and trains nothing: --cycles and --workers would change
	// nothing, so they are refused rather than accepted.
	scenario := addScenarioFlags(fs, "seed", "policy")
	all := fs.Bool("all", false, "solve with every registered policy and show them side by side")
	asJSON := fs.Bool("json", false, "print the problem, with every learner's coefficients, and the plans as JSON")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return helpOr(err)
	}
	sc, err := scenario(pos)
	if err != nil {
		return err
	}
	sys, err := mel.New(sc.Config)
	if err != nil {
		return err
	}
	defer sys.Close()
	prob, states, err := sys.FirstProblem()
	if err != nil {
		return err
	}

	names := []string{sc.Config.Policy}
	if *all {
		names = policy.Names()
	}
	var results []solved
	for _, name := range names {
		pol, err := policy.New(name, sc.Config.PolicyParams)
		if err != nil && name != sc.Config.Policy {
			// The scenario's parameters belong to its own policy; others run on their defaults.
			pol, err = policy.New(name, nil)
		}
		if err != nil {
			results = append(results, solved{name: name, err: err})
			continue
		}
		plan, err := policy.PlanChecked(pol, prob)
		results = append(results, solved{name: name, plan: plan, err: err})
	}
	if *asJSON {
		return writePlanJSON(stdout, sc.Name, prob, states, results)
	}
	fmt.Fprintf(stdout, "%s: cycle 1 at t = 0 s, T = %g s, d = %d samples, d_l = %d, c = %d, %d of %d learners reachable\n",
		sc.Name, prob.T, prob.D, prob.DL, prob.C, len(prob.Learners), len(states))
	if *all {
		if err := printPlansSideBySide(stdout, prob, states, results); err != nil {
			return err
		}
	} else if results[0].err == nil {
		if err := printPlan(stdout, prob, states, results[0]); err != nil {
			return err
		}
	}
	for _, r := range results {
		if r.err != nil {
			if !*all {
				return r.err
			}
			fmt.Fprintf(stdout, "%s: %v\n", r.name, r.err)
		}
	}
	return nil
}

func printPlan(w io.Writer, prob policy.Problem, states []mel.LearnerState, r solved) error {
	header := []string{"learner", "f (GHz)", "distance (m)", "rate (Mbit/s)", "E_k (J)", "tau_k", "d_k",
		"time (s) / T", "energy (J) / E_k", "binding"}
	var rows [][]string
	for _, st := range states {
		row := []string{strconv.Itoa(st.Learner), fmtF(st.FreqHz/1e9, 2), fmtF(st.DistanceM, 1),
			fmtF(st.RateBps/1e6, 2), fmtF(st.CapJ, 2)}
		if st.Row < 0 {
			row = append(row, "-", "-", "-", "-", "link down")
		} else {
			i := st.Row
			tau, d := r.plan.Tau[i], r.plan.D[i]
			t, e := prob.Usage(i, tau, d)
			row = append(row, strconv.Itoa(tau), strconv.Itoa(d),
				fmt.Sprintf("%s / %g", fmtF(t, 3), prob.T), fmt.Sprintf("%s / %s", fmtF(e, 3), fmtF(prob.Learners[i].E, 2)),
				r.plan.BindingOf(i))
		}
		rows = append(rows, row)
	}
	if err := renderTable(w, header, rows); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: objective (1/K)·Σ tau_k = %.4g, relaxed synchronous tau* = %.4g, %d iterations\n",
		r.name, r.plan.Objective, r.plan.Diag.RelaxedTau, r.plan.Diag.Iterations)
	for _, n := range r.plan.Diag.Notes {
		fmt.Fprintf(w, "  %s\n", n)
	}
	return nil
}

func printPlansSideBySide(w io.Writer, prob policy.Problem, states []mel.LearnerState, results []solved) error {
	header := []string{"learner", "f (GHz)", "distance (m)", "rate (Mbit/s)", "E_k (J)"}
	for _, r := range results {
		header = append(header, r.name+" tau×d")
	}
	var rows [][]string
	for _, st := range states {
		row := []string{strconv.Itoa(st.Learner), fmtF(st.FreqHz/1e9, 2), fmtF(st.DistanceM, 1),
			fmtF(st.RateBps/1e6, 2), fmtF(st.CapJ, 2)}
		for _, r := range results {
			switch {
			case st.Row < 0:
				row = append(row, "link down")
			case r.err != nil:
				row = append(row, "-")
			default:
				row = append(row, fmt.Sprintf("%d × %d", r.plan.Tau[st.Row], r.plan.D[st.Row]))
			}
		}
		rows = append(rows, row)
	}
	foot := []string{"objective", "", "", "", ""}
	for _, r := range results {
		if r.err != nil {
			foot = append(foot, "infeasible")
		} else {
			foot = append(foot, fmtF(r.plan.Objective, 3))
		}
	}
	rows = append(rows, foot)
	return renderTable(w, header, rows)
}

func writePlanJSON(w io.Writer, name string, prob policy.Problem, states []mel.LearnerState, results []solved) error {
	out := planJSON{Scenario: name, T: prob.T, D: prob.D, DL: prob.DL, C: prob.C}
	for _, st := range states {
		lj := learnerJSON{Learner: st.Learner, Row: st.Row, FreqHz: st.FreqHz, DistanceM: st.DistanceM,
			RateBps: st.RateBps, CapJ: st.CapJ}
		if st.Row >= 0 {
			c := prob.Learners[st.Row]
			lj.Coef = &c
		}
		out.Learners = append(out.Learners, lj)
	}
	for _, r := range results {
		e := planEntryOut{Policy: r.name}
		if r.err != nil {
			e.Error = r.err.Error()
		} else {
			e.Tau, e.D, e.Objective, e.RelaxedTau, e.Notes = r.plan.Tau, r.plan.D, r.plan.Objective, r.plan.Diag.RelaxedTau, r.plan.Diag.Notes
			for i := range r.plan.Tau {
				e.Binding = append(e.Binding, r.plan.BindingOf(i))
			}
		}
		out.Plans = append(out.Plans, e)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
