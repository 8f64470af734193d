package scenarios

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mel-des/mel-des/channel"
	"github.com/mel-des/mel-des/device"
	"github.com/mel-des/mel-des/mel"
	"github.com/mel-des/mel-des/param"
)

// TestEmbedded checks that every embedded scenario loads, validates and describes itself,
// by name and through Resolve, and that loading its file from disk gives the same run.
func TestEmbedded(t *testing.T) {
	names := Embedded()
	for _, want := range []string{"fl-noniid", "mobility", "paper", "quickstart", "tiny-synthetic"} {
		if !isEmbedded(want) {
			t.Errorf("embedded scenarios %v lack %q", names, want)
		}
	}
	for _, n := range names {
		s, err := LoadEmbedded(n)
		if err != nil {
			t.Errorf("LoadEmbedded(%q): %v", n, err)
			continue
		}
		if err := s.Config.Validate(); err != nil {
			t.Errorf("%s: Config.Validate: %v", n, err)
		}
		if s.Name != n || s.File != "embedded:"+n {
			t.Errorf("%s: Name %q, File %q", n, s.Name, s.File)
		}
		if d := Describe(n); d == "" || strings.Contains(d, "\n") {
			t.Errorf("%s: Describe = %q, want one non-empty line", n, d)
		}
		r, err := Resolve(n)
		if err != nil || r.Canonical() != s.Canonical() {
			t.Errorf("Resolve(%q) = %v, differs from LoadEmbedded", n, err)
		}
		disk, err := Load(n + ".toml")
		if err != nil || disk.Canonical() != s.Canonical() {
			t.Errorf("Load(%s.toml) = %v, differs from the embedded copy", n, err)
		}
	}
	if Describe("no-such") != "" {
		t.Error("Describe of an unknown name is not empty")
	}
}

// TestEmbeddedSettings spot-checks what the embedded scenarios promise.
func TestEmbeddedSettings(t *testing.T) {
	load := func(n string) mel.Config {
		s, err := LoadEmbedded(n)
		if err != nil {
			t.Fatal(err)
		}
		return s.Config
	}
	paper := load("paper")
	if def := mel.DefaultConfig(); !reflect.DeepEqual(paper, def) {
		t.Errorf("paper differs from mel.DefaultConfig:\n%+v\n%+v", paper, def)
	}
	q := load("quickstart")
	if len(q.Learners) != 10 || q.Cycles != 6 || q.Data.TrainSubset != 12000 || q.Staleness != 2 {
		t.Errorf("quickstart: %d learners, %d cycles, subset %d, c = %d", len(q.Learners), q.Cycles, q.Data.TrainSubset, q.Staleness)
	}
	m := load("mobility")
	var moving, batteries, random int
	for _, l := range m.Learners {
		if l.Mobility.Name() != device.StaticModel {
			moving++
		}
		if !math.IsInf(l.BatteryJ, 1) {
			batteries++
		}
		if l.RandomDown != nil {
			random++
		}
	}
	if moving != 8 || batteries != 8 || random != 6 || len(m.Learners[1].Outages) != 1 {
		t.Errorf("mobility: %d moving, %d on batteries, %d with random outages, learner 1 outages %v", moving, batteries, random, m.Learners[1].Outages)
	}
	if tr := m.Learners[11].Mobility; tr.Model != "trace" || tr.Params.File("trace").Path != "bus-route.csv" || !strings.Contains(string(tr.Params.File("trace").Data), "\n0,-420,-120\n") {
		t.Errorf("mobility: learner 11 = %+v, want the bus route", tr)
	}
	if mobParam(m.Learners[5], "max_speed_mps") != 2.5 || mobParam(m.Learners[4], "max_speed_mps") != 1.5 || m.Learners[5].BatteryJ != 80 {
		t.Errorf("mobility: the [[learner]] override of learner 5 is not applied alone")
	}
	fl := load("fl-noniid")
	if fl.Mode != mel.FL || fl.Data.Partition != mel.Dirichlet || fl.Data.Alpha != 0.3 {
		t.Errorf("fl-noniid: mode %s, partition %s, alpha %v", fl.Mode, fl.Data.Partition, fl.Data.Alpha)
	}
	tiny := load("tiny-synthetic")
	if tiny.Data.Source.Name() != "synthetic" || len(tiny.Learners) != 4 || tiny.Cycles != 3 || !reflect.DeepEqual(tiny.Model.Hidden, []int{16}) {
		t.Errorf("tiny-synthetic: %s, %d learners, %d cycles, hidden %v", tiny.Data.Source.Name(), len(tiny.Learners), tiny.Cycles, tiny.Model.Hidden)
	}
}

// TestEmptyIsDefault checks that an empty scenario is mel.DefaultConfig.
func TestEmptyIsDefault(t *testing.T) {
	s, err := Parse(nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(s.Config, mel.DefaultConfig()) {
		t.Errorf("empty scenario:\n%+v\nwant mel.DefaultConfig:\n%+v", s.Config, mel.DefaultConfig())
	}
	if s.Name != "scenario" || !reflect.DeepEqual(s.Output, Output{Files: DefaultOutputFiles()}) || !reflect.DeepEqual(DefaultOutputFiles(), []string{"cycles", "learners", "trace", "chrome"}) {
		t.Errorf("name %q, output %+v", s.Name, s.Output)
	}
}

// TestUnits checks the conversions into SI units.
func TestUnits(t *testing.T) {
	src := `
[radio]
bandwidth_mhz = 5
[[learners]]
cpu_ghz = 2.4
tx_power_dbm = 23
[[learners]]
cpu_ghz = 0.7
tx_power_dbm = 30
battery_j = 12.5
[[learners]]
cpu_ghz = 6
tx_power_dbm = 0
battery_j = inf
`
	s, err := Parse([]byte(src), "")
	if err != nil {
		t.Fatal(err)
	}
	c := s.Config
	near := func(name string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9*math.Abs(want) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	near("bandwidth", c.Radio.BandwidthHz, 5e6)
	near("cpu 0", c.Learners[0].FreqHz, 2.4e9)
	near("cpu 1", c.Learners[1].FreqHz, 0.7e9)
	near("cpu 2", c.Learners[2].FreqHz, 6e9)
	near("23 dBm", c.Learners[0].TxPowerW, 0.19952623149688797)
	if math.Abs(c.Learners[0].TxPowerW-0.19953) > 5e-6 {
		t.Errorf("23 dBm = %v W, want 0.19953", c.Learners[0].TxPowerW)
	}
	near("30 dBm", c.Learners[1].TxPowerW, 1)
	near("0 dBm", c.Learners[2].TxPowerW, 1e-3)
	near("battery", c.Learners[1].BatteryJ, 12.5)
	if !math.IsInf(c.Learners[0].BatteryJ, 1) || !math.IsInf(c.Learners[2].BatteryJ, 1) {
		t.Errorf("absent battery and battery_j = inf must be mains (+Inf): %v, %v", c.Learners[0].BatteryJ, c.Learners[2].BatteryJ)
	}
}

// TestGroupsAndOverrides checks group expansion, [[learner]] overrides and [[outage]].
func TestGroupsAndOverrides(t *testing.T) {
	src := `
[[learners]]
count = 3
cpu_ghz = [1, 2, 3]
battery_j = 50
[learners.mobility]
model = "waypoint"
max_speed_mps = 2
pause_s = 4
[learners.outages]
mean_up_s = 100
mean_down_s = 5

[[learners]]
count = 2
cpu_ghz = 0.5
kappa = 2e-29

[[learner]]
index = 1
cpu_ghz = 9
position_m = [30, 40]
[learner.mobility]
min_speed_mps = 1
[learner.outages]
mean_down_s = 7

[[learner]]
index = 4
[learner.mobility]
model = "walk"

[[outage]]
learner = 3
start_s = 20
duration_s = 5
[[outage]]
learner = 3
start_s = 2
duration_s = 1
`
	s, err := Parse([]byte(src), "")
	if err != nil {
		t.Fatal(err)
	}
	ls := s.Config.Learners
	if len(ls) != 5 {
		t.Fatalf("%d learners, want 5", len(ls))
	}
	wp := resolvedMobility("waypoint", param.Values{"max_speed_mps": 2.0, "pause_s": 4.0})
	for k, want := range []struct {
		f   float64
		pos *device.Point
		mob param.Values
		bat float64
		rd  *channel.OnOff
	}{
		{1e9, nil, wp, 50, &channel.OnOff{MeanUp: 100, MeanDown: 5}},
		{9e9, &device.Point{X: 30, Y: 40}, resolvedMobility("waypoint", param.Values{"min_speed_mps": 1.0, "max_speed_mps": 2.0, "pause_s": 4.0}), 50, &channel.OnOff{MeanUp: 100, MeanDown: 7}},
		{3e9, nil, wp, 50, &channel.OnOff{MeanUp: 100, MeanDown: 5}},
		{0.5e9, nil, resolvedMobility("static", nil), math.Inf(1), nil},
		{0.5e9, nil, resolvedMobility("walk", nil), math.Inf(1), nil},
	} {
		l := ls[k]
		_, got, err := l.Mobility.Resolve(device.Cell{Radius: 500})
		if err != nil {
			t.Errorf("learner %d: %v", k, err)
		}
		if l.FreqHz != want.f || !reflect.DeepEqual(l.Position, want.pos) || !reflect.DeepEqual(got, want.mob) ||
			l.BatteryJ != want.bat || !reflect.DeepEqual(l.RandomDown, want.rd) {
			t.Errorf("learner %d = %+v (pos %v, outages %v)\nwant f %v pos %v mob %+v battery %v outages %v",
				k, l, l.Position, l.RandomDown, want.f, want.pos, want.mob, want.bat, want.rd)
		}
	}
	if ls[3].Kappa != 2e-29 || ls[0].Kappa != 1e-29 {
		t.Errorf("kappa %v, %v", ls[0].Kappa, ls[3].Kappa)
	}
	if want := []channel.Interval{{Start: 2, Duration: 1}, {Start: 20, Duration: 5}}; !reflect.DeepEqual(ls[3].Outages, want) {
		t.Errorf("learner 3 outages %v, want %v (sorted)", ls[3].Outages, want)
	}
	if ls[0].Outages != nil || ls[0].RandomDown == ls[1].RandomDown {
		t.Error("learners share outage state they should not")
	}
}

// TestPaths checks that trace files and the MNIST directory are relative to the scenario
// file, and that Parse resolves them against its base directory.
func TestPaths(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "traces")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "walk.csv"), []byte("t,x,y\n0,10,0\n10,20,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"train.csv", "test.csv"} {
		if err := os.WriteFile(filepath.Join(sub, f), []byte("label,a,b\n0,1,2\n1,3,4\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src := "[[learners]]\ncpu_ghz = 1\n[learners.mobility]\ntrace = \"traces/walk.csv\"\n" +
		"[simulation]\nmin_samples = 1\n[dataset]\nsource = \"csv\"\ntrain = \"traces/train.csv\"\ntest = \"traces/test.csv\"\n"
	path := filepath.Join(dir, "My Run.toml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	m := s.Config.Learners[0].Mobility
	if f := m.Params.File("trace"); m.Model != "trace" || f.Path != filepath.Join(sub, "walk.csv") || string(f.Data) != "t,x,y\n0,10,0\n10,20,0\n" {
		t.Errorf("trace = %+v", m)
	}
	if got := s.Config.Data.Source.Params.String("train"); got != filepath.Join(sub, "train.csv") {
		t.Errorf("dataset train file %q, want %q", got, filepath.Join(sub, "train.csv"))
	}
	if s.Name != "My-Run" {
		t.Errorf("name from the file %q, want My-Run", s.Name)
	}
	if _, err := Parse([]byte(src), dir); err != nil {
		t.Errorf("Parse with the base directory: %v", err)
	}
	if _, err := Parse([]byte(src), t.TempDir()); err == nil || !strings.Contains(err.Error(), "walk.csv") {
		t.Errorf("Parse with another base directory: %v, want a missing trace", err)
	}
}

// TestLoadErrors checks errors about the file itself and about unknown names.
func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct{ arg, want string }{
		{"testdata/no-such.toml", "scenario: testdata/no-such.toml: no such file"},
		{"testdata", "scenario: testdata: cannot read: is a directory"},
		{"testdata/", "scenario: testdata/: cannot read: is a directory"},
		{"/dev/null", "not a regular file"},
		{"quickstrat", `did you mean "quickstart"?`},
		{"nothing-like-it", "embedded: async-fl, fl-noniid, mobility, paper, quickstart, tiny-synthetic"},
	} {
		_, err := Resolve(tc.arg)
		var se *Error
		if !errors.As(err, &se) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Resolve(%q) = %v, want *Error containing %q", tc.arg, err, tc.want)
		}
	}
	locked := filepath.Join(t.TempDir(), "locked.toml")
	if err := os.WriteFile(locked, []byte("name = \"x\"\n"), 0o000); err != nil {
		t.Fatal(err)
	}
	if _, err := os.ReadFile(locked); err == nil {
		t.Log("running with permission to read a mode 000 file (root?): skipping the unreadable-file case")
	} else if _, err := Load(locked); err == nil || !strings.Contains(err.Error(), "cannot read: permission denied") {
		t.Errorf("Load of an unreadable file: %v", err)
	}
	if _, err := LoadEmbedded("nope"); err == nil {
		t.Error("LoadEmbedded of an unknown name succeeded")
	}
	big := make([]byte, maxScenarioBytes+1)
	if _, err := Parse(big, ""); err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Errorf("Parse of a huge input: %v", err)
	}
}

// TestEmbeddedTOML checks that the embedded text is served and is what LoadEmbedded reads.
func TestEmbeddedTOML(t *testing.T) {
	data, err := EmbeddedTOML("quickstart")
	if err != nil || !strings.Contains(string(data), `name = "quickstart"`) {
		t.Fatalf("EmbeddedTOML: %v", err)
	}
	s, err := Parse(data, "")
	if err != nil || s.Name != "quickstart" {
		t.Errorf("Parse(EmbeddedTOML) = %v", err)
	}
}

// mobParam returns a mobility parameter of l with the model's defaults filled in.
func mobParam(l mel.Learner, key string) float64 {
	_, p, err := l.Mobility.Resolve(device.Cell{Radius: 500})
	if err != nil {
		panic(err)
	}
	return p.Float(key)
}

// resolvedMobility returns every parameter of a model with the given values set.
func resolvedMobility(model string, set param.Values) param.Values {
	_, p, err := device.MobilityConfig{Model: model, Params: set}.Resolve(device.Cell{Radius: 500})
	if err != nil {
		panic(err)
	}
	return p
}
