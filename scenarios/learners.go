package scenarios

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/mel-des/mel-des/channel"
	"github.com/mel-des/mel-des/device"
	"github.com/mel-des/mel-des/mel"
	"github.com/mel-des/mel-des/param"
)

// dBmToW converts a power in dBm to watts: 10^((dBm − 30)/10). The decades are split off
// and taken exactly, so that 30 dBm is exactly 1 W and 23 dBm is the correctly rounded
// 0.19952623149688797 W of mel.DefaultLearner.
func dBmToW(dbm float64) float64 {
	q := math.Floor(dbm / 10)
	return math.Pow(10, (dbm-10*q)/10) * math.Pow10(int(q)-3)
}

// learnerSrc records where a learner's final settings come from, so that a problem found
// once groups and overrides are combined points at the table that set the key.
type learnerSrc struct {
	table string            // the [[learners]] group's path
	set   map[string]string // key relative to a learner's table ("cpu_ghz", "mobility.pause_s") → the full path that set it
	mob   string            // the last mobility table that applies to the learner
}

// path returns the full key path that set the learner's key rel, or where it would be written.
func (s learnerSrc) path(rel string) string {
	if p, ok := s.set[rel]; ok {
		return p
	}
	if m, ok := strings.CutPrefix(rel, "mobility."); ok {
		return s.mob + "." + m
	}
	if rel == "" {
		return s.table
	}
	return s.table + "." + rel
}

// note records that the table at path set key rel.
func (s *learnerSrc) note(rel, path string) {
	m := make(map[string]string, len(s.set)+1)
	for k, v := range s.set {
		m[k] = v
	}
	m[rel] = path
	s.set = m
}

// learners reads [[learners]] groups, expands them, applies [[learner]] overrides and
// [[outage]] entries.
func (d *decoder) learners(root *table, c *mel.Config) []learnerSrc {
	groups, present := root.array("learners")
	var ls []mel.Learner
	var srcs []learnerSrc
	if !present {
		for _, l := range c.Learners {
			ls = append(ls, l)
			srcs = append(srcs, learnerSrc{table: "learners", mob: "learners.mobility"})
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
		src := learnerSrc{table: t.path, mob: t.path + ".mobility"}
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
	d.outages(root, ls, srcs)
	c.Learners = ls
	return srcs
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
			d.learnerKeys(t, &scratch, &learnerSrc{table: t.path}, 1, false)
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
		src.note("cpu_ghz", it.path)
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
	if t.float("kappa", positive(1e-20), "J/(cycle·Hz²)", &l.Kappa) {
		src.note("kappa", t.full("kappa"))
	}
	var dbm float64
	if t.float("tx_power_dbm", closed(-100, 60), "dBm", &dbm) {
		l.TxPowerW = dBmToW(dbm)
		src.note("tx_power_dbm", t.full("tx_power_dbm"))
	}
	if it, ok := t.get("battery_j", false); ok {
		src.note("battery_j", it.path)
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
				l.Position = &device.Point{X: x, Y: y}
				src.note("position_m", it.path)
			}
		}
	}
	var place string
	if t.str("placement", &place, "random") {
		if t.has("position_m") {
			d.problem(d.at(t.full("placement")), "conflicts with position_m: a learner is placed either at random or at position_m")
		} else {
			l.Position = nil
			src.note("position_m", t.full("placement"))
		}
	}
	d.mobility(t.sub("mobility"), &l.Mobility, src)
	d.randomOutages(t.sub("outages"), l, src)
	return freqs
}

// mobilities is the registry of mobility models, as the decoder sees it.
var mobilities = registry{names: device.MobilityModels, params: func(n string) []param.Spec {
	m, _ := device.LookupMobility(n)
	return m.Params
}}

// mobility reads a [learners.mobility] or [learner.mobility] table over m: the model, and the
// keys its registration declares. A [learner.mobility] table changes the group's values one
// by one; a model change keeps the values of keys the new model shares with the old one.
func (d *decoder) mobility(t *table, m *device.MobilityConfig, src *learnerSrc) {
	users := mobilities.users()
	keys := mobilities.keys(users)
	t.know(keys...)
	var kind string
	modelOK := t.str("model", &kind, device.MobilityModels()...) || !t.has("model")
	if !modelOK {
		return
	}
	old := m.Name()
	if kind == "" && !t.has("model") {
		// A key that implies a model (a trace file) selects it when no model is named.
		for _, name := range device.MobilityModels() {
			if mm, _ := device.LookupMobility(name); mm.ImpliedBy != "" && t.has(mm.ImpliedBy) {
				kind = name
			}
		}
	}
	if kind == "" {
		kind = old
	}
	model, _ := device.LookupMobility(kind)
	params := param.Values{}
	for k, v := range m.Params {
		if _, ok := param.Lookup(model.Params, k); ok || kind == old {
			params[k] = v
		}
	}
	for _, k := range keys {
		if !t.has(k) {
			continue
		}
		s, ok := param.Lookup(model.Params, k)
		if !ok {
			it, _ := t.get(k, false)
			d.problem(item{path: it.path, over: it.over}, "not used by model = %q (used by %s)", kind, param.QuoteAll(users[k]))
			continue
		}
		if v, ok := t.spec(s); ok {
			params[k] = v
			src.note("mobility."+k, t.full(k))
		}
	}
	m.Model, m.Params = kind, params
	if kind == device.StaticModel {
		m.Model = ""
	}
	if len(params) == 0 {
		m.Params = nil
	}
	if t.present() {
		src.mob = t.path
	}
}

// randomOutages reads a [learners.outages] or [learner.outages] table over l.RandomDown.
func (d *decoder) randomOutages(t *table, l *mel.Learner, src *learnerSrc) {
	if !t.present() {
		return
	}
	var o channel.OnOff
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
		src.note("outages.mean_up_s", t.full("mean_up_s"))
		src.note("outages.mean_down_s", t.full("mean_down_s"))
	}
}

// outages reads the scheduled [[outage]] entries into the learners' outage lists, each
// sorted by start time. Overlapping outages of one learner merge: the link is down on their
// union.
func (d *decoder) outages(root *table, ls []mel.Learner, srcs []learnerSrc) {
	outs, _ := root.array("outage")
	for _, t := range outs {
		idx := -1
		var iv channel.Interval
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
			srcs[idx].note("outages", t.path)
		}
	}
	for k := range ls {
		sort.SliceStable(ls[k].Outages, func(i, j int) bool { return ls[k].Outages[i].Start < ls[k].Outages[j].Start })
	}
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
