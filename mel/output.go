package mel

import (
	"io"
	"sort"
)

// Output describes an output file format: the name a scenario's output.files lists, the
// file it writes in the run directory, and how to make its recorder. A new output format is
// one file that defines its writer (a Recorder that implements the record kinds it wants) and
// registers an Output from an init function; the scenario key, the CLI and the docs tests
// follow from the registration.
type Output struct {
	Name    string                     // the value in output.files: "cycles"
	File    string                     // the file in the run directory: "cycles.csv"
	Summary string                     // one line for docs and listings
	Default bool                       // written when the scenario does not list output.files
	Async   bool                       // written in the asynchronous schedule when the scenario does not list output.files
	New     func(w io.Writer) Recorder // a recorder writing to w; Close must flush but not close w
	order   int
}

// outputs holds the registered formats by name, filled by init functions.
var outputFormats = map[string]Output{}

// RegisterOutput makes an output format available. It is meant to be called from init
// functions and is not safe for concurrent use with the lookups. Panics if the name or file
// is empty or already taken, or New is nil.
func RegisterOutput(o Output) {
	if o.Name == "" || o.File == "" || o.New == nil {
		panic("mel: RegisterOutput with an empty name or file, or a nil New")
	}
	for _, p := range outputFormats {
		if p.Name == o.Name || p.File == o.File {
			panic("mel: RegisterOutput: " + o.Name + " (" + o.File + ") is already registered")
		}
	}
	o.order = len(outputFormats)
	outputFormats[o.Name] = o
}

// Outputs returns the registered formats in registration order.
func Outputs() []Output {
	list := make([]Output, 0, len(outputFormats))
	for _, o := range outputFormats {
		list = append(list, o)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].order < list[j].order })
	return list
}

// LookupOutput returns the format called name.
func LookupOutput(name string) (Output, bool) {
	o, ok := outputFormats[name]
	return o, ok
}

func init() {
	RegisterOutput(Output{Name: "cycles", File: "cycles.csv", Default: true,
		Summary: "per-cycle metrics CSV",
		New:     func(w io.Writer) Recorder { return NewCyclesCSV(w) }})
	RegisterOutput(Output{Name: "learners", File: "learners.csv", Default: true,
		Summary: "per-learner per-cycle CSV",
		New:     func(w io.Writer) Recorder { return NewLearnersCSV(w) }})
	RegisterOutput(Output{Name: "trace", File: "trace.jsonl", Default: true, Async: true,
		Summary: "JSON Lines event trace",
		New:     func(w io.Writer) Recorder { return NewTraceJSONL(w) }})
	RegisterOutput(Output{Name: "chrome", File: "trace.json", Default: true, Async: true,
		Summary: "Chrome trace-event JSON for Perfetto",
		New:     func(w io.Writer) Recorder { return NewTraceChrome(w) }})
	RegisterOutput(Output{Name: "rounds", File: "rounds.csv", Async: true,
		Summary: "per-learner per-round CSV of the asynchronous schedule",
		New:     func(w io.Writer) Recorder { return NewRoundsCSV(w) }})
	RegisterOutput(Output{Name: "evals", File: "evals.csv", Async: true,
		Summary: "test accuracy, loss and energy so far at every evaluation: clock ticks, cycle ends, the end",
		New:     func(w io.Writer) Recorder { return NewEvalsCSV(w) }})
	RegisterOutput(Output{Name: "aggregations", File: "aggregations.csv", Async: true,
		Summary: "per-aggregation CSV of the asynchronous schedule: learners merged, staleness, weights",
		New:     func(w io.Writer) Recorder { return NewAggregationsCSV(w) }})
}
