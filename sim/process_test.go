package sim

import (
	"fmt"
	"testing"
)

func TestProcessWait(t *testing.T) {
	k := New()
	r := &recorder{k: k}
	left := 3
	var loop func(p *Process)
	loop = func(p *Process) {
		r.at(fmt.Sprint("step", left))()
		left--
		if left > 0 {
			p.Wait(1.5, loop)
		}
	}
	p := k.Start(loop)
	p.Done().OnTrigger(r.at("done"))
	if !p.Alive() || p.Kernel() != k {
		t.Fatal("fresh process not alive or of the wrong kernel")
	}
	k.Run()
	if got, want := r.String(), "step3@0 step2@1.5 step1@3 done@3"; got != want {
		t.Fatalf("ran %q, want %q", got, want)
	}
	if p.Alive() || p.Kill() {
		t.Fatal("finished process still alive")
	}
}

func TestProcessWaitEvent(t *testing.T) {
	k := New()
	r := &recorder{k: k}
	uploaded := k.NewEvent()
	worker := k.Start(func(p *Process) {
		p.Wait(2, func(p *Process) {
			r.at("uploaded")()
			uploaded.Trigger()
		})
	})
	k.Start(func(p *Process) {
		p.WaitEvent(uploaded, func(p *Process) {
			r.at("orchestrator woke")()
			p.WaitEvent(worker.Done(), func(p *Process) { r.at("worker done")() })
		})
	})
	k.Run()
	if got, want := r.String(), "uploaded@2 orchestrator woke@2 worker done@2"; got != want {
		t.Fatalf("ran %q, want %q", got, want)
	}
	// Waiting on an event that already fired continues at once.
	k.Start(func(p *Process) { p.WaitEvent(uploaded, func(*Process) { r.at("late")() }) })
	k.Run()
	if got, want := r.String(), "uploaded@2 orchestrator woke@2 worker done@2 late@2"; got != want {
		t.Fatalf("ran %q, want %q", got, want)
	}
}

func TestProcessKill(t *testing.T) {
	tests := []struct {
		name string
		wait func(p *Process, e *Event, next func(*Process))
	}{
		{"while in Wait", func(p *Process, _ *Event, next func(*Process)) { p.Wait(5, next) }},
		{"while in WaitEvent", func(p *Process, e *Event, next func(*Process)) { p.WaitEvent(e, next) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := New()
			r := &recorder{k: k}
			e := k.NewEvent()
			e.TriggerAfter(3)
			p := k.Start(func(p *Process) { tt.wait(p, e, func(*Process) { r.at("resumed")() }) })
			p.Done().OnTrigger(r.at("done"))
			k.Schedule(1, func() {
				if !p.Kill() || p.Kill() {
					t.Error("Kill of a waiting process: want true, then false")
				}
			})
			k.Run()
			if got, want := r.String(), "done@1"; got != want {
				t.Fatalf("ran %q, want %q", got, want)
			}
			if k.Now() != 3 {
				t.Fatalf("Now = %v; the killed wait should leave only the trigger at 3", k.Now())
			}
		})
	}
}

func TestProcessKillSelf(t *testing.T) {
	k := New()
	r := &recorder{k: k}
	p := k.Start(func(p *Process) {
		if !p.Kill() || p.Alive() {
			t.Error("Kill from own step: want true and not alive")
		}
		r.at("rest of step")()
		mustPanic(t, "wait only once", func() { p.Wait(1, func(*Process) { r.at("never")() }) })
	})
	p.Done().OnTrigger(r.at("done"))
	k.Run()
	if got, want := r.String(), "rest of step@0 done@0"; got != want {
		t.Fatalf("ran %q, want %q", got, want)
	}
}

func TestProcessPanics(t *testing.T) {
	next := func(*Process) {}
	tests := []struct {
		name string
		want string
		f    func(k *Kernel)
	}{
		{"nil first step", "nil process step", func(k *Kernel) { k.Start(nil) }},
		{"nil continuation", "nil process step", func(k *Kernel) {
			k.Start(func(p *Process) { p.Wait(1, nil) })
			k.Run()
		}},
		{"negative wait", "invalid delay", func(k *Kernel) {
			k.Start(func(p *Process) { p.Wait(-1, next) })
			k.Run()
		}},
		{"two waits in one step", "wait only once", func(k *Kernel) {
			k.Start(func(p *Process) { p.Wait(1, next); p.Wait(1, next) })
			k.Run()
		}},
		{"wait from outside the process", "wait only once", func(k *Kernel) {
			p := k.Start(func(p *Process) { p.Wait(1, next) })
			k.Step()
			p.Wait(1, next)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { mustPanic(t, tt.want, func() { tt.f(New()) }) })
	}
}

func TestProcessAllocs(t *testing.T) {
	k := New()
	var loop func(p *Process)
	loop = func(p *Process) { p.Wait(1, loop) }
	for range 10 {
		k.Start(loop)
	}
	k.RunUntil(10)
	allocs := testing.AllocsPerRun(20, func() { k.RunUntil(k.Now() + 10) })
	if allocs != 0 {
		t.Fatalf("waiting processes allocate %v times per run, want 0", allocs)
	}
}
