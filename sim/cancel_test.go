package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestCancel(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, k *Kernel, r *recorder)
		want string
	}{
		{"pending event never runs", func(t *testing.T, k *Kernel, r *recorder) {
			k.Schedule(1, r.at("a"))
			h := k.Schedule(2, r.at("b"))
			k.Schedule(3, r.at("c"))
			if !k.Cancel(h) {
				t.Error("Cancel of a pending event = false")
			}
			if k.Cancel(h) {
				t.Error("second Cancel = true")
			}
			if k.Len() != 2 {
				t.Errorf("Len = %d, want 2", k.Len())
			}
		}, "a@1 c@3"},
		{"zero handle", func(t *testing.T, k *Kernel, r *recorder) {
			k.Schedule(1, r.at("a"))
			var h Handle
			if !h.IsZero() || k.Cancel(h) || k.Pending(h) {
				t.Error("zero Handle is not a no-op")
			}
		}, "a@1"},
		{"already run", func(t *testing.T, k *Kernel, r *recorder) {
			h := k.Schedule(1, r.at("a"))
			k.Run()
			if k.Pending(h) || k.Cancel(h) {
				t.Error("Cancel of an event that ran = true")
			}
			k.Schedule(1, r.at("b"))
		}, "a@1 b@2"},
		{"from a callback, same instant, heap", func(t *testing.T, k *Kernel, r *recorder) {
			var h Handle
			k.Schedule(1, func() {
				r.at("a")()
				if !k.Cancel(h) {
					t.Error("Cancel from a callback = false")
				}
			})
			h = k.Schedule(1, r.at("b"))
			k.Schedule(1, r.at("c"))
		}, "a@1 c@1"},
		{"from a callback, same instant, FIFO", func(t *testing.T, k *Kernel, r *recorder) {
			k.Schedule(1, func() {
				r.at("a")()
				h := k.Schedule(0, r.at("b"))
				k.Schedule(0, r.at("c"))
				k.Cancel(h)
			})
		}, "a@1 c@1"},
		{"own handle while running", func(t *testing.T, k *Kernel, r *recorder) {
			var h Handle
			h = k.Schedule(1, func() {
				r.at("a")()
				if k.Cancel(h) || k.Pending(h) {
					t.Error("a running event is still pending")
				}
			})
		}, "a@1"},
		{"cancelled last event does not move the clock", func(t *testing.T, k *Kernel, r *recorder) {
			k.Schedule(1, r.at("a"))
			k.Cancel(k.Schedule(5, r.at("b")))
			k.Run()
			if k.Now() != 1 || k.Processed() != 1 {
				t.Errorf("Now = %v, Processed = %d; want 1, 1", k.Now(), k.Processed())
			}
		}, "a@1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := New()
			r := &recorder{k: k}
			tt.run(t, k, r)
			k.Run()
			if got := r.String(); got != tt.want {
				t.Errorf("ran %q, want %q", got, tt.want)
			}
		})
	}
}

// TestStaleHandle checks that a handle whose slot was recycled cannot touch
// the event that now owns the slot.
func TestStaleHandle(t *testing.T) {
	k := New()
	r := &recorder{k: k}
	ran := k.Schedule(1, r.at("a"))
	cancelled := k.Schedule(2, r.at("x"))
	k.Cancel(cancelled)
	k.Run() // frees both slots
	b := k.Schedule(1, r.at("b"))
	c := k.Schedule(1, r.at("c"))
	reused := map[uint32]bool{b.slot: true, c.slot: true}
	if !reused[ran.slot] || !reused[cancelled.slot] {
		t.Fatalf("slots not recycled: old %d, %d; new %d, %d", ran.slot, cancelled.slot, b.slot, c.slot)
	}
	for _, stale := range []Handle{ran, cancelled} {
		if k.Pending(stale) || k.Cancel(stale) {
			t.Fatalf("stale handle %+v acts on a recycled slot", stale)
		}
	}
	if !k.Pending(b) || !k.Pending(c) {
		t.Fatal("new events not pending")
	}
	k.Run()
	if got, want := r.String(), "a@1 b@2 c@2"; got != want {
		t.Fatalf("ran %q, want %q", got, want)
	}
}

// TestCompaction checks that mass cancellation shrinks the queues and keeps
// the survivors in order, and that handles purged by compaction stay dead.
func TestCompaction(t *testing.T) {
	k := New()
	r := &recorder{k: k}
	var hs []Handle
	for i := range 1000 {
		hs = append(hs, k.Schedule(Time(1000-i), r.at(fmt.Sprint(1000-i))))
	}
	for i := range 50 {
		hs = append(hs, k.Schedule(0, r.at(fmt.Sprint("z", i))))
	}
	var want []string
	for i, h := range hs {
		if i%10 == 3 {
			continue // keep
		}
		if !k.Cancel(h) {
			t.Fatalf("Cancel(%d) = false", i)
		}
	}
	if n := len(k.heap.s) + k.fifo.n; n > 400 {
		t.Fatalf("queues hold %d entries after cancelling 945 of 1050; want compaction", n)
	}
	if k.Len() != 105 {
		t.Fatalf("Len = %d, want 105", k.Len())
	}
	for i, h := range hs {
		if got := k.Pending(h); got != (i%10 == 3) || (!got && k.Cancel(h)) {
			t.Fatalf("handle %d: Pending = %v after compaction", i, got)
		}
	}
	// Survivors: the zero-delay events z3, z13, ..., z43 at time 0, then
	// the timed events i = 3, 13, ..., 993 at time 1000-i, from 7 to 997.
	for z := 3; z < 50; z += 10 {
		want = append(want, fmt.Sprintf("z%d@0", z))
	}
	for v := 7; v <= 997; v += 10 {
		want = append(want, fmt.Sprintf("%d@%d", v, v))
	}
	k.Run()
	if got := r.String(); got != strings.Join(want, " ") {
		t.Fatalf("survivors ran as\n%s\nwant\n%s", got, strings.Join(want, " "))
	}
	if k.Processed() != 105 {
		t.Fatalf("Processed = %d, want 105", k.Processed())
	}
}

// refKernel is an obviously correct O(n) agenda used as an oracle.
type refKernel struct {
	now   Time
	evs   []refEvent
	count uint64
}

type refEvent struct {
	t         Time
	seq       int
	fn        func()
	done      bool
	cancelled bool
}

// agenda is what a random workload needs from a kernel; handles are ints.
type agenda interface {
	Now() Time
	schedule(delay Time, fn func()) int
	scheduleAt(t Time, fn func()) int
	cancel(h int) bool
	run()
}

func (r *refKernel) Now() Time { return r.now }
func (r *refKernel) schedule(d Time, fn func()) int {
	return r.scheduleAt(r.now+d, fn)
}
func (r *refKernel) scheduleAt(t Time, fn func()) int {
	r.evs = append(r.evs, refEvent{t: t, seq: len(r.evs), fn: fn})
	return len(r.evs) - 1
}
func (r *refKernel) cancel(h int) bool {
	e := &r.evs[h]
	if e.done || e.cancelled {
		return false
	}
	e.cancelled = true
	return true
}
func (r *refKernel) run() {
	for {
		best := -1
		for i := range r.evs {
			e := &r.evs[i]
			if e.done || e.cancelled {
				continue
			}
			if best < 0 || e.t < r.evs[best].t || (e.t == r.evs[best].t && e.seq < r.evs[best].seq) {
				best = i
			}
		}
		if best < 0 {
			return
		}
		r.evs[best].done = true
		r.now = r.evs[best].t
		r.count++
		r.evs[best].fn()
	}
}

// kernelAgenda adapts Kernel to agenda.
type kernelAgenda struct {
	*Kernel
	hs []Handle
}

func (a *kernelAgenda) schedule(d Time, fn func()) int {
	a.hs = append(a.hs, a.Schedule(d, fn))
	return len(a.hs) - 1
}
func (a *kernelAgenda) scheduleAt(t Time, fn func()) int {
	a.hs = append(a.hs, a.ScheduleAt(t, fn))
	return len(a.hs) - 1
}
func (a *kernelAgenda) cancel(h int) bool { return a.Cancel(a.hs[h]) }
func (a *kernelAgenda) run()              { a.Run() }

// workload runs a random branching workload with many ties, zero delays,
// absolute times and cancellations on s, and returns its trace: the time
// and id of every event run and the result of every Cancel. Each event's
// behaviour depends only on seed and its id, so correct kernels produce
// identical traces.
func workload(s agenda, seed uint64, maxEvents int) []string {
	var trace []string
	issued := 0
	var mk func() func()
	mk = func() func() {
		id := issued
		issued++
		return func() {
			rng := rand.New(rand.NewPCG(seed, uint64(id)))
			trace = append(trace, fmt.Sprintf("%d@%g", id, float64(s.Now())))
			for range rng.IntN(4) {
				if issued >= maxEvents {
					break
				}
				switch rng.IntN(5) {
				case 0:
					s.schedule(0, mk())
				case 1:
					s.schedule(Time(rng.IntN(3)), mk())
				case 2:
					s.scheduleAt(Time(int(s.Now())+1+rng.IntN(3)), mk())
				default:
					s.schedule(Time(rng.ExpFloat64()), mk())
				}
			}
			if rng.IntN(3) == 0 {
				h := rng.IntN(issued)
				trace = append(trace, fmt.Sprintf("cancel(%d)=%v", h, s.cancel(h)))
			}
		}
	}
	for range 30 {
		s.schedule(Time(rand.New(rand.NewPCG(seed, uint64(issued+1<<40))).IntN(4)), mk())
	}
	s.run()
	return trace
}

func TestMatchesReference(t *testing.T) {
	for seed := range uint64(20) {
		ref := &refKernel{}
		want := workload(ref, seed, 1500)
		if len(want) < 1000 {
			t.Fatalf("seed %d: workload too small to mean anything: %d trace lines", seed, len(want))
		}
		k := &kernelAgenda{Kernel: New()}
		got := workload(k, seed, 1500)
		if !slices.Equal(got, want) {
			i := 0
			for i < min(len(got), len(want)) && got[i] == want[i] {
				i++
			}
			t.Fatalf("seed %d: traces diverge at step %d of %d/%d: got %v, want %v",
				seed, i, len(got), len(want), got[i:min(i+5, len(got))], want[i:min(i+5, len(want))])
		}
		if k.Processed() != ref.count || k.Len() != 0 {
			t.Fatalf("seed %d: Processed = %d, want %d; Len = %d", seed, k.Processed(), ref.count, k.Len())
		}
	}
}

func TestDeterminism(t *testing.T) {
	run := func(seed uint64) []string {
		return workload(&kernelAgenda{Kernel: New()}, seed, 5000)
	}
	a, b := run(7), run(7)
	if len(a) < 1000 {
		t.Fatalf("workload too small to mean anything: %d trace lines", len(a))
	}
	if !slices.Equal(a, b) {
		t.Fatal("two runs with the same seed differ")
	}
	if slices.Equal(a, run(8)) {
		t.Fatal("runs with different seeds are identical; the workload ignores its seed")
	}
}
