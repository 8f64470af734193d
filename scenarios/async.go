package scenarios

import (
	"github.com/mel-des/mel-des/aggregate"
	"github.com/mel-des/mel-des/mel"
	"github.com/mel-des/mel-des/param"
)

// maxAggregations bounds async.aggregations, like maxCycles the cycles.
const maxAggregations = 1_000_000_000

// scheduleOverridden reports whether an override (a sweep's axis) sets simulation.schedule;
// keys of the schedule it replaces are then ignored, not wrong.
func (d *decoder) scheduleOverridden() bool {
	_, ok := d.sets["simulation.schedule"]
	return ok
}

// asyncKeys are the keys of [async].
var asyncKeys = []string{"horizon_s", "aggregations", "concurrency"}

// async reads [async], the settings of the asynchronous schedule. In the synchronous schedule
// its keys are a mistake, unless an override changed the schedule.
func (d *decoder) async(t *table, c *mel.Config) {
	t.know(asyncKeys...)
	if c.Schedule != mel.Asynchronous {
		for _, k := range asyncKeys {
			if !t.has(k) {
				continue
			}
			it, _ := t.get(k, false)
			if !d.scheduleOverridden() {
				d.problem(item{path: it.path, over: it.over}, "not used by simulation.schedule = %q (used by %q)", mel.Synchronous, mel.Asynchronous)
			}
		}
		return
	}
	t.float("horizon_s", closed(0, 1e9), "s", &c.Async.Horizon)
	t.int("aggregations", 0, maxAggregations, &c.Async.Aggregations)
	t.int("concurrency", 0, maxLearners, &c.Async.Concurrency)
}

// aggregations is the registry of aggregation schemes, as the decoder sees it.
var aggregations = registry{names: aggregate.Kinds, params: func(n string) []param.Spec {
	k, _ := aggregate.Lookup(n)
	return k.Params
}}

// aggregation reads [aggregation]: the scheme's name and the keys its registration declares.
// Whether the scheme combines with the schedule, and the rules between its keys, are checked
// with the configuration (mel.Check), at aggregation.name and the keys concerned.
func (d *decoder) aggregation(t *table, c *mel.Config) {
	async := c.Schedule == mel.Asynchronous
	name := c.Aggregation.NameFor(async)
	given := t.has("name")
	if !t.str("name", &name, aggregate.Kinds()...) && given {
		t.know(aggregations.keys(aggregations.users())...)
		return
	}
	params := d.pluginParams(t, aggregations, "name", name)
	if given {
		c.Aggregation.Name = name
	}
	if len(params) > 0 {
		c.Aggregation.Params = params
	}
}
