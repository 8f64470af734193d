package sim

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// recorder collects labels of callbacks in the order they run.
type recorder struct {
	k   *Kernel
	got []string
}

// at returns a callback that records label and the time it ran at.
func (r *recorder) at(label string) func() {
	return func() { r.got = append(r.got, fmt.Sprintf("%s@%g", label, float64(r.k.Now()))) }
}

func (r *recorder) String() string { return strings.Join(r.got, " ") }

// mustPanic fails t unless f panics with a message containing want.
func mustPanic(t *testing.T, want string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("no panic, want one mentioning %q", want)
		}
		if msg := fmt.Sprint(r); !strings.Contains(msg, want) {
			t.Fatalf("panic %q, want one mentioning %q", msg, want)
		}
	}()
	f()
}

func TestOrder(t *testing.T) {
	tests := []struct {
		name  string
		setup func(k *Kernel, r *recorder)
		want  string
	}{
		{"by time", func(k *Kernel, r *recorder) {
			k.Schedule(3, r.at("c"))
			k.Schedule(1, r.at("a"))
			k.Schedule(2, r.at("b"))
		}, "a@1 b@2 c@3"},
		{"ties in scheduling order", func(k *Kernel, r *recorder) {
			for _, l := range []string{"a", "b", "c", "d", "e", "f"} {
				k.Schedule(1, r.at(l))
			}
		}, "a@1 b@1 c@1 d@1 e@1 f@1"},
		{"ScheduleAt and Schedule tie by sequence", func(k *Kernel, r *recorder) {
			k.ScheduleAt(2, r.at("a"))
			k.Schedule(2, r.at("b"))
			k.ScheduleAt(2, r.at("c"))
		}, "a@2 b@2 c@2"},
		{"zero delay at start", func(k *Kernel, r *recorder) {
			k.Schedule(0, r.at("a"))
			k.ScheduleAt(0, r.at("b"))
			k.Schedule(0, r.at("c"))
		}, "a@0 b@0 c@0"},
		{"zero delay runs after events already due now", func(k *Kernel, r *recorder) {
			k.Schedule(1, func() {
				r.at("a")()
				k.Schedule(0, r.at("x"))
				k.ScheduleAt(1, r.at("y"))
			})
			k.Schedule(1, r.at("b"))
			k.Schedule(1, r.at("c"))
		}, "a@1 b@1 c@1 x@1 y@1"},
		{"nested zero delays keep FIFO order", func(k *Kernel, r *recorder) {
			k.Schedule(0, func() {
				r.at("a")()
				k.Schedule(0, func() { r.at("c")(); k.Schedule(0, r.at("e")) })
			})
			k.Schedule(0, func() { r.at("b")(); k.Schedule(0, r.at("d")) })
		}, "a@0 b@0 c@0 d@0 e@0"},
		{"later event scheduled from callback", func(k *Kernel, r *recorder) {
			k.Schedule(1, func() { r.at("a")(); k.Schedule(0.5, r.at("c")) })
			k.Schedule(1.5, r.at("b"))
			k.Schedule(1.25, r.at("z"))
		}, "a@1 z@1.25 b@1.5 c@1.5"},
		{"negative zero is zero", func(k *Kernel, r *recorder) {
			k.Schedule(1, r.at("b"))
			k.ScheduleAt(Time(math.Copysign(0, -1)), r.at("a"))
			k.Schedule(Time(math.Copysign(0, -1)), r.at("a2"))
		}, "a@0 a2@0 b@1"},
		{"infinite delay runs last", func(k *Kernel, r *recorder) {
			k.Schedule(Time(math.Inf(1)), r.at("inf"))
			k.Schedule(math.MaxFloat64, r.at("max"))
			k.Schedule(1e-300, r.at("tiny"))
		}, "tiny@1e-300 max@1.7976931348623157e+308 inf@+Inf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := New()
			r := &recorder{k: k}
			tt.setup(k, r)
			k.Run()
			if got := r.String(); got != tt.want {
				t.Errorf("order (-want +got):\n-%s\n+%s", tt.want, got)
			}
			if k.Len() != 0 {
				t.Errorf("Len after Run = %d, want 0", k.Len())
			}
		})
	}
}

// TestHeapOrder drives the heap through many interleaved pushes and pops
// with heavy ties and checks every pop against a sorted reference.
func TestHeapOrder(t *testing.T) {
	var h eventHeap
	var ref []entry
	seq := uint64(0)
	x := uint64(12345)
	rnd := func(n uint64) uint64 { // xorshift, deterministic and dependency-free
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		return x % n
	}
	cmp := func(a, b entry) int { return less(&b, &a) - less(&a, &b) }
	for range 20000 {
		if rnd(3) != 0 || len(ref) == 0 {
			seq++
			e := entry{key: timeKey(Time(rnd(50)) / 4), seq: seq, slot: uint32(seq)}
			h.push(e)
			ref = append(ref, e)
			continue
		}
		slices.SortFunc(ref, cmp)
		want := ref[0]
		ref = ref[1:]
		if got := h.pop(); got != want {
			t.Fatalf("pop = %+v, want %+v", got, want)
		}
	}
}

func TestRunUntil(t *testing.T) {
	tests := []struct {
		name    string
		until   Time
		want    string
		wantNow Time
		wantLen int
	}{
		{"before everything", 0.5, "", 0.5, 3},
		{"exactly at an event", 1, "a@1", 1, 2},
		{"between events", 1.5, "a@1", 1.5, 2},
		{"at a tie", 2, "a@1 b@2 c@2", 2, 0},
		{"after everything", 10, "a@1 b@2 c@2", 10, 0},
		{"infinity", Time(math.Inf(1)), "a@1 b@2 c@2", Time(math.Inf(1)), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := New()
			r := &recorder{k: k}
			k.Schedule(1, r.at("a"))
			k.Schedule(2, r.at("b"))
			k.Schedule(2, r.at("c"))
			k.RunUntil(tt.until)
			if got := r.String(); got != tt.want {
				t.Errorf("ran %q, want %q", got, tt.want)
			}
			if k.Now() != tt.wantNow {
				t.Errorf("Now = %v, want %v", k.Now(), tt.wantNow)
			}
			if k.Len() != tt.wantLen {
				t.Errorf("Len = %d, want %d", k.Len(), tt.wantLen)
			}
		})
	}
}

func TestRunUntilBoundary(t *testing.T) {
	k := New()
	r := &recorder{k: k}
	k.Schedule(1, func() {
		r.at("a")()
		k.ScheduleAt(2, r.at("at-limit")) // scheduled during the run, exactly at t
		k.Schedule(1+1e-9, r.at("past-limit"))
	})
	k.RunUntil(2)
	if got, want := r.String(), "a@1 at-limit@2"; got != want {
		t.Fatalf("ran %q, want %q", got, want)
	}
	// RunUntil(Now()) runs exactly the events due now, including new ones.
	k.Schedule(0, func() { r.at("now")(); k.Schedule(0, r.at("now2")) })
	k.RunUntil(k.Now())
	if got, want := r.String(), "a@1 at-limit@2 now@2 now2@2"; got != want {
		t.Fatalf("ran %q, want %q", got, want)
	}
	// A cancelled event inside the window does not disturb the clock.
	h := k.Schedule(0.5, r.at("cancelled"))
	k.Cancel(h)
	k.RunUntil(2.25)
	if k.Now() != 2.25 {
		t.Fatalf("Now = %v, want 2.25", k.Now())
	}
	k.Run()
	if got, want := r.String(), "a@1 at-limit@2 now@2 now2@2 past-limit@2.000000001"; got != want {
		t.Fatalf("ran %q, want %q", got, want)
	}
}

func TestStop(t *testing.T) {
	k := New()
	r := &recorder{k: k}
	k.Schedule(1, r.at("a"))
	k.Schedule(2, func() { r.at("b")(); k.Stop() })
	k.Schedule(2, r.at("c"))
	k.Schedule(3, r.at("d"))
	k.Run()
	if got, want := r.String(), "a@1 b@2"; got != want {
		t.Fatalf("Run with Stop ran %q, want %q", got, want)
	}
	if k.Now() != 2 || k.Len() != 2 {
		t.Fatalf("after Stop: Now = %v, Len = %d; want 2, 2", k.Now(), k.Len())
	}
	k.Stop() // outside Run: no effect on the next Run
	k.Schedule(0.5, func() { r.at("e")(); k.Stop() })
	k.RunUntil(10)
	if got, want := r.String(), "a@1 b@2 c@2 e@2.5"; got != want {
		t.Fatalf("RunUntil with Stop ran %q, want %q", got, want)
	}
	if k.Now() != 2.5 {
		t.Fatalf("RunUntil stopped: Now = %v, want 2.5 (the stopping event's time)", k.Now())
	}
	k.Run()
	if got, want := r.String(), "a@1 b@2 c@2 e@2.5 d@3"; got != want {
		t.Fatalf("resumed Run ran %q, want %q", got, want)
	}
}

func TestStep(t *testing.T) {
	k := New()
	r := &recorder{k: k}
	k.Schedule(2, r.at("b"))
	k.Schedule(1, func() { r.at("a")(); k.Stop() }) // Step ignores Stop
	if !k.Step() || !k.Step() {
		t.Fatal("Step returned false with events pending")
	}
	if k.Step() {
		t.Fatal("Step returned true on an empty queue")
	}
	if got, want := r.String(), "a@1 b@2"; got != want {
		t.Fatalf("ran %q, want %q", got, want)
	}
	if k.Processed() != 2 {
		t.Fatalf("Processed = %d, want 2", k.Processed())
	}
}

func TestPanics(t *testing.T) {
	nop := func() {}
	tests := []struct {
		name string
		want string
		f    func(k *Kernel)
	}{
		{"negative delay", "invalid delay -1", func(k *Kernel) { k.Schedule(-1, nop) }},
		{"tiny negative delay", "invalid delay", func(k *Kernel) { k.Schedule(-1e-300, nop) }},
		{"NaN delay", "invalid delay NaN", func(k *Kernel) { k.Schedule(Time(math.NaN()), nop) }},
		{"-Inf delay", "invalid delay", func(k *Kernel) { k.Schedule(Time(math.Inf(-1)), nop) }},
		{"ScheduleAt in the past", "before the current time 5", func(k *Kernel) { k.ScheduleAt(4.5, nop) }},
		{"ScheduleAt NaN", "cannot schedule at NaN", func(k *Kernel) { k.ScheduleAt(Time(math.NaN()), nop) }},
		{"nil callback", "nil callback", func(k *Kernel) { k.Schedule(1, nil) }},
		{"RunUntil in the past", "RunUntil(4) is before", func(k *Kernel) { k.RunUntil(4) }},
		{"RunUntil NaN", "RunUntil(NaN)", func(k *Kernel) { k.RunUntil(Time(math.NaN())) }},
		{"Run inside a callback", "inside a callback", func(k *Kernel) {
			k.Schedule(1, k.Run)
			k.Run()
		}},
		{"Step inside a callback", "inside a callback", func(k *Kernel) {
			k.Schedule(1, func() { k.Step() })
			k.Step()
		}},
		{"OnTrigger nil", "nil callback", func(k *Kernel) { k.NewEvent().OnTrigger(nil) }},
		{"TriggerAfter negative", "invalid delay", func(k *Kernel) { k.NewEvent().TriggerAfter(-2) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := New()
			k.RunUntil(5)
			mustPanic(t, tt.want, func() { tt.f(k) })
		})
	}
}

func TestPanicInCallbackLeavesKernelUsable(t *testing.T) {
	k := New()
	r := &recorder{k: k}
	k.Schedule(1, func() { panic("boom") })
	k.Schedule(2, r.at("b"))
	mustPanic(t, "boom", k.Run)
	k.Run()
	if got, want := r.String(), "b@2"; got != want {
		t.Fatalf("after a panicking callback ran %q, want %q", got, want)
	}
}

func TestIndependentKernels(t *testing.T) {
	k1, k2 := New(), New()
	r1, r2 := &recorder{k: k1}, &recorder{k: k2}
	h1 := k1.Schedule(1, r1.at("one"))
	h2 := k2.Schedule(5, r2.at("two"))
	if k2.Cancel(h1) || k1.Cancel(h2) {
		t.Fatal("a kernel cancelled another kernel's event")
	}
	if k2.Pending(h1) || !k1.Pending(h1) {
		t.Fatal("Pending confuses kernels")
	}
	k1.Run()
	if k1.Now() != 1 || k2.Now() != 0 || k2.Len() != 1 || k2.Processed() != 0 {
		t.Fatalf("running k1 touched k2: k1.Now=%v k2.Now=%v k2.Len=%d k2.Processed=%d",
			k1.Now(), k2.Now(), k2.Len(), k2.Processed())
	}
	k2.Run()
	if r1.String() != "one@1" || r2.String() != "two@5" {
		t.Fatalf("got %q and %q", r1, r2)
	}
	var zero Kernel // the zero Kernel works like New()
	zero.Schedule(1, func() {})
	zero.Run()
	if zero.Now() != 1 || zero.Processed() != 1 {
		t.Fatalf("zero Kernel: Now=%v Processed=%d", zero.Now(), zero.Processed())
	}
}

// TestSteadyStateAllocs checks that scheduling and running allocate nothing
// once the queues have grown.
func TestSteadyStateAllocs(t *testing.T) {
	k := New()
	var fns [64]func()
	nop := func() {}
	for i := range fns {
		d := Time(i%7) + 0.5
		fns[i] = func() {
			k.Schedule(d, fns[i])
			k.Schedule(0, nop) // exercise the FIFO path too
		}
		k.Schedule(d, fns[i])
	}
	k.RunUntil(100) // grow the queues
	allocs := testing.AllocsPerRun(20, func() {
		h := k.Schedule(3, func() {})
		k.Cancel(h)
		k.RunUntil(k.Now() + 10)
	})
	if allocs != 0 {
		t.Fatalf("steady state allocates %v times per run, want 0", allocs)
	}
}
