package scenarios

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/mel-des/mel-des/device"
	"github.com/mel-des/mel-des/mel"
)

// defaultMobility holds the mobility defaults of every learner: static, with pedestrian
// speeds of 0.5 to 1.5 m/s, no pause and a turn every 10 s ready for when a model is chosen.
func defaultMobility() mel.Mobility {
	return mel.Mobility{Kind: mel.Static, MinSpeed: 0.5, MaxSpeed: 1.5, Turn: 10}
}

// dBmToW converts a power in dBm to watts: 10^((dBm − 30)/10). The decades are split off
// and taken exactly, so that 30 dBm is exactly 1 W and 23 dBm is the correctly rounded
// 0.19952623149688797 W of mel.DefaultLearner.
func dBmToW(dbm float64) float64 {
	q := math.Floor(dbm / 10)
	return math.Pow(10, (dbm-10*q)/10) * math.Pow10(int(q)-3)
}

// learnerSrc records where a learner's final settings come from, for problems that only show
// once groups, overrides and the radio are combined.
type learnerSrc struct {
	pos      string // key path that set the position; "" = random placement
	mob      string // the last mobility table that applies to the learner
	traceBad bool   // a trace file was named but could not be used (already reported)
}

// learners reads [[learners]] groups, expands them, applies [[learner]] overrides and
// [[outage]] entries, and checks every learner against the cell.
func (d *decoder) learners(root *table, c *mel.Config) {
	groups, present := root.array("learners")
	var ls []mel.Learner
	var srcs []learnerSrc
	if !present {
		for _, l := range c.Learners {
			l.Mobility = defaultMobility()
			ls = append(ls, l)
			srcs = append(srcs, learnerSrc{})
		}
	} else if len(groups) == 0 && d.arrays["learners"] == 0 {
		d.problem(d.at("learners"), "no learners: write at least one [[learners]] group, or leave learners out for the paper's 20 learners")
	}
	total := 0
	for _, t := range groups {
		t.hints = map[string]string{"index": "index belongs in a [[learner]] entry, which changes one learner; a [[learners]] group has a count"}
		count := 1
		countOK := t.int("count", 1, maxLearners, &count) || !t.has("count")
		l := mel.DefaultLearner(0)
		l.Mobility = defaultMobility()
		src := learnerSrc{mob: t.path + ".mobility"}
		freqs := d.learnerKeys(t, &l, &src, count, true)
		if !t.has("cpu_ghz") {
			d.problem(d.at(t.full("cpu_ghz")), "missing: every [[learners]] group needs its CPU frequency in GHz")
		}
		if !countOK {
			continue
		}
		if total+count > maxLearners {
			d.problem(d.at(t.full("count")), "%d learners in total: at most %d", total+count, maxLearners)
			continue
		}
		total += count
		for i := range count {
			li := l
			if freqs != nil {
				li.FreqHz = freqs[i]
			}
			ls = append(ls, li)
			srcs = append(srcs, src)
		}
	}
	d.learnerOverrides(root, ls, srcs)
	d.outages(root, ls)
	d.checkLearners(ls, srcs, c.Radio.CellRadiusM)
	c.Learners = ls
}

// learnerOverrides applies [[learner]] entries to the expanded learners.
func (d *decoder) learnerOverrides(root *table, ls []mel.Learner, srcs []learnerSrc) {
	overs, _ := root.array("learner")
	by := map[int]string{}
	for _, t := range overs {
		t.hints = map[string]string{"count": "count belongs in a [[learners]] group; a [[learner]] entry changes the one learner at its index"}
		idx := -1
		switch {
		case !t.has("index"):
			d.problem(d.at(t.full("index")), "missing: a [[learner]] entry needs the index (from 0) of the learner it changes")
		case len(ls) > 0:
			t.int("index", 0, int64(len(ls)-1), &idx)
		default:
			t.get("index", false)
		}
		if prev, dup := by[idx]; dup {
			d.problem(d.at(t.full("index")), "learner %d is already changed by %s; merge the two entries", idx, prev)
			idx = -1
		}
		if idx < 0 { // still check the keys
			scratch := mel.DefaultLearner(1e9)
			scratch.Mobility = defaultMobility()
			d.learnerKeys(t, &scratch, &learnerSrc{}, 1, false)
			continue
		}
		by[idx] = t.path
		d.learnerKeys(t, &ls[idx], &srcs[idx], 1, false)
	}
}

// learnerKeys reads the keys a [[learners]] group (group) or a [[learner]] entry may set,
// over the values already in l. For a group with a list of frequencies it returns them in Hz.
func (d *decoder) learnerKeys(t *table, l *mel.Learner, src *learnerSrc, count int, group bool) (freqs []float64) {
	const ghz = "GHz"
	if it, ok := t.get("cpu_ghz", false); ok {
		if a, isList := it.v.([]any); isList && group {
			if len(a) != count {
				d.problem(it, "want one frequency per learner: %d values for count = %d", len(a), count)
			} else {
				freqs = make([]float64, count)
				good := true
				for i, v := range a {
					f, ok := t.checkFloat(element(it, i, v), positive(100), ghz)
					freqs[i], good = f*1e9, good && ok
				}
				if !good {
					freqs = nil
				}
			}
		} else if f, ok := t.checkFloat(it, positive(100), ghz); ok {
			l.FreqHz = f * 1e9
		}
	}
	t.float("kappa", positive(1e-20), "J/(cycle·Hz²)", &l.Kappa)
	var dbm float64
	if t.float("tx_power_dbm", closed(-100, 60), "dBm", &dbm) {
		l.TxPowerW = dBmToW(dbm)
	}
	if it, ok := t.get("battery_j", false); ok {
		if f, isF := it.v.(float64); isF && math.IsInf(f, 1) {
			l.BatteryJ = f
		} else if f, ok := t.checkFloat(it, positive(1e9), "J (or inf: mains powered)"); ok {
			l.BatteryJ = f
		}
	}
	if it, ok := t.get("position_m", false); ok {
		if group && count != 1 {
			d.problem(it, "a group of %d learners cannot share one position: use count = 1, or place learners one by one with [[learner]] entries", count)
		} else if a, ok := t.list(it, 2, 2); ok {
			x, okx := t.checkFloat(element(it, 0, a[0]), closed(-1e6, 1e6), "m")
			y, oky := t.checkFloat(element(it, 1, a[1]), closed(-1e6, 1e6), "m")
			if okx && oky {
				l.Position, src.pos = &mel.Point{X: x, Y: y}, it.path
			}
		}
	}
	var place string
	if t.str("placement", &place, "random") {
		if t.has("position_m") {
			d.problem(d.at(t.full("placement")), "conflicts with position_m: a learner is placed either at random or at position_m")
		} else {
			l.Position, src.pos = nil, ""
		}
	}
	d.mobility(t.sub("mobility"), &l.Mobility, src)
	d.randomOutages(t.sub("outages"), l)
	return freqs
}

// mobilityUse lists, for each mobility key, the models that use it.
var mobilityUse = []struct {
	key    string
	models []mel.MobilityKind
}{
	{"min_speed_mps", []mel.MobilityKind{mel.RandomWaypoint, mel.RandomWalk}},
	{"max_speed_mps", []mel.MobilityKind{mel.RandomWaypoint, mel.RandomWalk}},
	{"pause_s", []mel.MobilityKind{mel.RandomWaypoint}},
	{"turn_s", []mel.MobilityKind{mel.RandomWalk}},
	{"trace", []mel.MobilityKind{mel.TraceMobility}},
}

// mobility reads a [learners.mobility] or [learner.mobility] table over m.
func (d *decoder) mobility(t *table, m *mel.Mobility, src *learnerSrc) {
	var kind string
	models := []string{string(mel.Static), string(mel.RandomWaypoint), string(mel.RandomWalk), string(mel.TraceMobility)}
	modelOK := t.str("model", &kind, models...) || !t.has("model")
	t.float("min_speed_mps", closed(0, 100), "m/s", &m.MinSpeed)
	t.float("max_speed_mps", positive(100), "m/s", &m.MaxSpeed)
	t.float("pause_s", closed(0, maxTime), "s", &m.Pause)
	t.float("turn_s", positive(maxTime), "s", &m.Turn)
	var file string
	if t.has("trace") {
		src.traceBad = true
	}
	if t.str("trace", &file) {
		if pts, err := d.loadTrace(file); err != nil {
			d.problem(d.at(t.full("trace")), "%v", err)
			m.Trace = nil
		} else {
			m.Trace, src.traceBad = pts, false
		}
		if !t.has("model") {
			m.Kind = mel.TraceMobility
		}
	}
	if kind != "" {
		m.Kind = mel.MobilityKind(kind)
	}
	if t.present() {
		src.mob = t.path
	}
	if !modelOK {
		return
	}
	for _, u := range mobilityUse {
		if t.has(u.key) && !slices.Contains(u.models, m.Kind) {
			d.problem(d.at(t.full(u.key)), "not used by model = %q (used by %s)", m.Kind, quoteAll(kinds(u.models)))
		}
	}
}

// kinds converts mobility kinds to strings.
func kinds(ks []mel.MobilityKind) []string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return s
}

// loadTrace reads and parses a mobility trace CSV named relative to the scenario.
func (d *decoder) loadTrace(file string) ([]mel.Waypoint, error) {
	if file == "" {
		return nil, fmt.Errorf("empty path: want the name of a CSV file with columns t,x,y")
	}
	data, err := d.origin.readFile(file, maxTraceBytes)
	if err != nil {
		return nil, fmt.Errorf("cannot read trace %s: %v", d.origin.resolve(file), unwrapPath(err))
	}
	tr, err := device.ParseTraceCSV(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("trace %s: %v", d.origin.resolve(file), err)
	}
	pts := tr.Points()
	out := make([]mel.Waypoint, len(pts))
	for i, p := range pts {
		out[i] = mel.Waypoint{T: p.T, X: p.X, Y: p.Y}
	}
	return out, nil
}

// randomOutages reads a [learners.outages] or [learner.outages] table over l.RandomDown.
func (d *decoder) randomOutages(t *table, l *mel.Learner) {
	if !t.present() {
		return
	}
	var o mel.OnOff
	had := l.RandomDown != nil
	if had {
		o = *l.RandomDown
	}
	up := t.float("mean_up_s", positive(1e9), "s", &o.MeanUp)
	down := t.float("mean_down_s", positive(1e9), "s", &o.MeanDown)
	if !had && (!t.has("mean_up_s") || !t.has("mean_down_s")) {
		d.problem(d.at(t.path), "random outages need both mean_up_s and mean_down_s")
		return
	}
	if had || up && down {
		l.RandomDown = &o
	}
}

// outages reads the scheduled [[outage]] entries into the learners' outage lists, each
// sorted by start time.
func (d *decoder) outages(root *table, ls []mel.Learner) {
	outs, _ := root.array("outage")
	for _, t := range outs {
		idx := -1
		var iv mel.Interval
		for _, k := range []string{"learner", "start_s", "duration_s"} {
			if !t.has(k) {
				d.problem(d.at(t.full(k)), "missing: an [[outage]] needs learner, start_s and duration_s")
			}
		}
		if len(ls) > 0 {
			t.int("learner", 0, int64(len(ls)-1), &idx)
		} else {
			t.get("learner", false)
		}
		okS := t.float("start_s", closed(0, 1e9), "s", &iv.Start)
		okD := t.float("duration_s", positive(1e9), "s", &iv.Duration)
		if idx >= 0 && okS && okD {
			ls[idx].Outages = append(ls[idx].Outages, iv)
		}
	}
	for k := range ls {
		sort.SliceStable(ls[k].Outages, func(i, j int) bool { return ls[k].Outages[i].Start < ls[k].Outages[j].Start })
	}
}

// checkLearners checks every learner's final settings against the cell and normalises its
// mobility so that keys its model does not use do not show in the configuration. A problem
// shared by many learners of a group is reported once, with the count.
func (d *decoder) checkLearners(ls []mel.Learner, srcs []learnerSrc, radius float64) {
	rep := &repeats{seen: map[string]int{}}
	for k := range ls {
		l, src, m := &ls[k], srcs[k], &ls[k].Mobility
		if p := l.Position; p != nil {
			if r := math.Hypot(p.X, p.Y); r > radius {
				rep.add(k, d.at(src.pos), fmt.Sprintf("%.1f m from the orchestrator, outside the cell (radio.cell_radius_m = %s)", r, fmtNum(radius)))
			}
		}
		switch m.Kind {
		case mel.RandomWaypoint, mel.RandomWalk:
			if m.Kind == mel.RandomWaypoint && m.MinSpeed == 0 {
				rep.add(k, d.at(src.mob+".min_speed_mps"), "random waypoint needs min_speed_mps > 0 (at speed 0 it never arrives)")
			}
			if m.MaxSpeed < m.MinSpeed {
				rep.add(k, d.at(src.mob+".max_speed_mps"), fmt.Sprintf("max_speed_mps = %s is below min_speed_mps = %s", fmtNum(m.MaxSpeed), fmtNum(m.MinSpeed)))
			}
			m.Trace = nil
			if m.Kind == mel.RandomWaypoint {
				m.Turn = 0
			} else {
				m.Pause = 0
			}
		case mel.TraceMobility:
			if len(m.Trace) == 0 && !src.traceBad {
				rep.add(k, d.at(src.mob+".trace"), `model = "trace" needs trace = "FILE.csv"`)
			}
			if l.Position != nil {
				rep.add(k, d.at(src.pos), `conflicts with mobility model "trace", which gives the position`)
			}
			for _, w := range m.Trace {
				if r := math.Hypot(w.X, w.Y); r > radius {
					rep.add(k, d.at(src.mob+".trace"), fmt.Sprintf("the trace is %.1f m from the orchestrator at t = %s s, outside the cell (radio.cell_radius_m = %s)", r, fmtNum(w.T), fmtNum(radius)))
					break
				}
			}
			m.MinSpeed, m.MaxSpeed, m.Pause, m.Turn = 0, 0, 0, 0
		default:
			*m = mel.Mobility{Kind: mel.Static}
		}
	}
	rep.flush(d)
}

// repeats collects problems about learners and merges identical ones.
type repeats struct {
	seen map[string]int // key path + message → index in list
	list []repeated
}

type repeated struct {
	it       item
	msg      string
	learners []int
}

// add records that learner k has the problem msg at it.
func (r *repeats) add(k int, it item, msg string) {
	key := it.path + "\x00" + msg
	if i, ok := r.seen[key]; ok {
		r.list[i].learners = append(r.list[i].learners, k)
		return
	}
	r.seen[key] = len(r.list)
	r.list = append(r.list, repeated{it, msg, []int{k}})
}

// flush reports the collected problems, naming up to three learners each.
func (r *repeats) flush(d *decoder) {
	for _, p := range r.list {
		ids := make([]string, 0, 3)
		for _, k := range p.learners[:min(3, len(p.learners))] {
			ids = append(ids, fmt.Sprint(k))
		}
		who := "learner " + ids[0]
		if n := len(p.learners); n > 1 {
			who = "learners " + strings.Join(ids, ", ")
			if n > 3 {
				who += fmt.Sprintf(" and %d more", n-3)
			}
		}
		d.problem(p.it, "%s: %s", who, p.msg)
	}
}
