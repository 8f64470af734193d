package proportional_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/cli"
	"github.com/mel-des/mel-des/examples/plugin/proportional"
	"github.com/mel-des/mel-des/policy"
)

// The plug-in is registered, listed by the command line, and its plan for the paper's
// first cycle passes the policy package's feasibility checker.
func TestPluggedIntoTheCommandLine(t *testing.T) {
	var out, errb bytes.Buffer
	if err := cli.Run(context.Background(), []string{"list"}, &out, &errb); err != nil || !strings.Contains(out.String(), proportional.Name) {
		t.Fatalf("list: %v\n%s%s", err, out.String(), errb.String())
	}
	out.Reset()
	if err := cli.Run(context.Background(), []string{"plan", "paper", "--policy", proportional.Name, "--json"}, &out, &errb); err != nil {
		t.Fatalf("plan: %v\n%s", err, errb.String())
	}
	var pj struct {
		T        float64 `json:"deadline_s"`
		D        int     `json:"samples"`
		DL       int     `json:"min_samples"`
		C        int     `json:"staleness"`
		Learners []struct {
			Row  int             `json:"row"`
			Coef *policy.Learner `json:"coefficients"`
		} `json:"learners"`
		Plans []struct {
			Policy    string  `json:"policy"`
			Error     string  `json:"error"`
			Tau       []int   `json:"tau"`
			D         []int   `json:"d"`
			Objective float64 `json:"objective"`
		} `json:"plans"`
	}
	if err := json.Unmarshal(out.Bytes(), &pj); err != nil {
		t.Fatal(err)
	}
	prob := policy.Problem{T: pj.T, D: pj.D, DL: pj.DL, C: pj.C}
	for _, l := range pj.Learners {
		prob.Learners = append(prob.Learners, *l.Coef)
	}
	pol, err := policy.New(proportional.Name, nil)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := pol.Plan(prob)
	if err != nil {
		t.Fatal(err)
	}
	if err := policy.Check(prob, plan); err != nil {
		t.Errorf("plan fails the checker: %v", err)
	}
	if len(pj.Plans) != 1 || pj.Plans[0].Policy != proportional.Name || pj.Plans[0].Objective != plan.Objective {
		t.Errorf("CLI plan %+v, direct objective %v", pj.Plans, plan.Objective)
	}
}
