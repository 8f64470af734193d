package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/mel-des/mel-des/mel"
)

// progress draws a one-line progress bar on a terminal. It is a mel.Recorder so that it sees
// the run advance; it reads the wall clock, which is fine here because it writes nothing
// that a run's outputs depend on.
type progress struct {
	w            io.Writer
	total, cycle int
	horizon      float64 // the asynchronous schedule's end, s; 0 in the synchronous one
	acc, sim     float64
	start, drawn time.Time
}

var _ mel.Recorder = (*progress)(nil)

func newProgress(w io.Writer, cycles int) *progress {
	now := time.Now()
	return &progress{w: w, total: cycles, start: now, acc: -1}
}

func (p *progress) Event(e mel.Event) error {
	if e.Kind == mel.EvCycleStart {
		p.cycle = e.Cycle
	}
	p.sim = e.Time + e.Dur
	if time.Since(p.drawn) > 100*time.Millisecond {
		p.draw()
	}
	return nil
}

func (p *progress) Cycle(c mel.CycleRecord) error {
	p.acc = c.Accuracy
	p.draw()
	return nil
}

// Eval implements mel.EvalRecorder: the accuracy of the asynchronous schedule.
func (p *progress) Eval(e mel.EvalRecord) error {
	p.acc = e.Accuracy
	p.draw()
	return nil
}

func (p *progress) Learner(mel.LearnerRecord) error { return nil }
func (p *progress) Close() error                    { return nil }

func (p *progress) draw() {
	p.drawn = time.Now()
	const width = 24
	done := 0
	if p.total > 0 {
		done = min(width, width*max(0, p.cycle-1)/p.total)
	}
	bar := strings.Repeat("=", done) + strings.Repeat(" ", width-done)
	acc := "-"
	if p.acc >= 0 {
		acc = fmtPct(p.acc)
	}
	if p.horizon > 0 {
		done = min(width, int(width*p.sim/p.horizon))
		bar = strings.Repeat("=", done) + strings.Repeat(" ", width-done)
		fmt.Fprintf(p.w, "\r[%s] sim %.1f/%.0f s  accuracy %s  wall %.1f s\033[K",
			bar, p.sim, p.horizon, acc, time.Since(p.start).Seconds())
		return
	}
	fmt.Fprintf(p.w, "\r[%s] cycle %d/%d  accuracy %s  sim %.1f s  wall %.1f s\033[K",
		bar, p.cycle, p.total, acc, p.sim, time.Since(p.start).Seconds())
}

// finish erases the progress line.
func (p *progress) finish() { fmt.Fprint(p.w, "\r\033[K") }
