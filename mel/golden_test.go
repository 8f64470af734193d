package mel

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/channel"
	"github.com/mel-des/mel-des/device"
	"github.com/mel-des/mel-des/mlcore"

	"github.com/mel-des/mel-des/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// goldenConfig is a tiny synthetic scenario that exercises every outcome: a static learner
// (on time), one that drives away during the first cycle (late), one whose link is down at the
// start of cycle 2 (excluded then), one with a small battery (dead), and one too slow to train
// even d_l samples in time (excluded by the policy every cycle).
func goldenConfig() Config {
	c := tinyConfig()
	paperBits(&c)
	c.Cycles = 4
	c.PolicyParams = policy.Params{"allow_exclusion": true}
	c.Learners[1].Position = nil
	c.Learners[1].Mobility = traceMobility([3]float64{0, -250, 0}, [3]float64{10, -490, 0})
	c.Learners[2].Outages = []channel.Interval{{Start: 9.99, Duration: 0.5}}
	c.Learners[3].BatteryJ = 0.2
	slow := DefaultLearner(1e6)
	slow.Position = &device.Point{X: 0, Y: 100}
	c.Learners = append(c.Learners, slow)
	return c
}

// TestGolden pins a whole run byte for byte. The files under testdata/golden are written by
// `go test ./mel -run TestGolden -update` and must never be edited by hand; regenerate them
// only for an intended change of behaviour, and read the diff.
//
// The learning figures (losses, accuracies) are bit-exact only for the mlcore kernel set that
// wrote the files (testdata/golden/KERNELS). On a machine with other kernels (AVX2 only,
// another architecture) they are masked and everything else — timing, energy, outcomes,
// event order — is still compared byte for byte.
func TestGolden(t *testing.T) {
	_, o := runConfig(t, goldenConfig())
	files := map[string][]byte{
		"cycles.csv":   o.cycles.Bytes(),
		"learners.csv": o.learners.Bytes(),
		"trace.jsonl":  o.jsonl.Bytes(),
		"trace.json":   o.chrome.Bytes(),
	}
	kernelsPath := filepath.Join("testdata", "golden", "KERNELS")
	if *update {
		if err := os.MkdirAll(filepath.Dir(kernelsPath), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(kernelsPath, []byte(mlcore.Kernels()+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	wrote, err := os.ReadFile(kernelsPath)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	exact := strings.TrimSpace(string(wrote)) == mlcore.Kernels()
	if !exact {
		t.Logf("golden files come from the %s kernels, this machine uses %s: comparing with learning figures masked",
			strings.TrimSpace(string(wrote)), mlcore.Kernels())
	}
	for name, got := range files {
		path := filepath.Join("testdata", "golden", name)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run with -update to create it)", err)
		}
		if !exact {
			want, got = maskLearning(name, want), maskLearning(name, got)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the golden file (-want +got):\n%s", name, lineDiff(string(want), string(got)))
		}
	}
	// The scenario must keep exercising every outcome, or the golden files pin less than they claim.
	seen := map[string]bool{}
	for _, r := range learnerRows(t, o.learners.Bytes()) {
		seen[r["outcome"]] = true
	}
	for _, want := range []Outcome{OnTime, Late, Dead, Excluded} {
		if !seen[string(want)] {
			t.Errorf("no learner ended a cycle %s; the golden scenario no longer covers it", want)
		}
	}
}

// maskLearning replaces the figures that depend on the floating-point kernels of mlcore.
func maskLearning(name string, b []byte) []byte {
	switch name {
	case "cycles.csv", "learners.csv":
		cols := map[string]bool{"accuracy": true, "loss": true, "train_loss": true}
		lines := bytes.Split(b, []byte("\n"))
		header := bytes.Split(lines[0], []byte(","))
		for i := 1; i < len(lines); i++ {
			f := bytes.Split(lines[i], []byte(","))
			for j := range f {
				if j < len(header) && cols[string(header[j])] {
					f[j] = []byte("#")
				}
			}
			lines[i] = bytes.Join(f, []byte(","))
		}
		return bytes.Join(lines, []byte("\n"))
	}
	return learningJSON.ReplaceAll(b, []byte(`"$1":#`))
}

var learningJSON = regexp.MustCompile(`"(loss|acc|train_loss|test_loss|test_accuracy)":(-?[0-9.eE+-]+|null)`)

// lineDiff shows the first differing lines of two texts.
func lineDiff(want, got string) string {
	w, g := bytes.Split([]byte(want), []byte("\n")), bytes.Split([]byte(got), []byte("\n"))
	var out bytes.Buffer
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 10; i++ {
		var a, b []byte
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if !bytes.Equal(a, b) {
			shown++
			out.WriteString("line " + itoa(i+1) + ":\n- " + string(a) + "\n+ " + string(b) + "\n")
		}
	}
	return out.String()
}

func itoa(i int) string { return strconv.Itoa(i) }
