package sim

import (
	"math/rand/v2"
	"testing"
)

// The two workloads below mirror ../shared/anchors/naiveheap/main.go and
// ../shared/anchors/simpy_bench.py so that their events/s figures can be
// compared: same event counts, same seeding, one event per callback.

const (
	benchProcs    = 1000    // processes in BenchmarkTimeouts
	benchTimeouts = 1000    // timeouts per process in BenchmarkTimeouts
	benchRounds   = 1000000 // round trips in BenchmarkPingPong
)

// reportEvents reports the event rate over the whole benchmark.
func reportEvents(b *testing.B, events uint64) {
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
}

// timeouts builds the Timeouts workload on a fresh kernel: procs processes,
// each waiting n exponential(1) delays in turn, drawn from one PCG(1, 2)
// stream as in the anchors.
func timeouts(procs, n int) *Kernel {
	k := New()
	rng := rand.New(rand.NewPCG(1, 2))
	for range procs {
		left := n
		var step func()
		step = func() {
			left--
			if left > 0 {
				k.Schedule(Time(rng.ExpFloat64()), step)
			}
		}
		k.Schedule(Time(rng.ExpFloat64()), step)
	}
	return k
}

// BenchmarkTimeouts runs 1,000 processes each waiting 1,000 exponential(1)
// delays in turn: 1 M events per op.
func BenchmarkTimeouts(b *testing.B) {
	b.ReportAllocs()
	var events uint64
	for b.Loop() {
		k := timeouts(benchProcs, benchTimeouts)
		k.Run()
		if k.Processed() != benchProcs*benchTimeouts {
			b.Fatalf("processed %d events, want %d", k.Processed(), benchProcs*benchTimeouts)
		}
		events += k.Processed()
	}
	reportEvents(b, events)
}

// pingPong builds the PingPong workload: two processes hand control to each
// other through zero-delay events, n round trips. It returns a pointer to
// the round counter.
func pingPong(n int) (*Kernel, *int) {
	k := New()
	rounds := new(int)
	var ping, pong func()
	ping = func() { // the ball is back with ping
		*rounds++
		if *rounds < n {
			k.Schedule(0, pong)
		}
	}
	pong = func() { k.Schedule(0, ping) }
	k.Schedule(0, pong)
	return k, rounds
}

// BenchmarkPingPong runs two processes passing control back and forth
// through zero-delay events: 1 M round trips, 2 M events per op.
func BenchmarkPingPong(b *testing.B) {
	b.ReportAllocs()
	var events uint64
	for b.Loop() {
		k, rounds := pingPong(benchRounds)
		k.Run()
		if *rounds != benchRounds || k.Processed() != 2*benchRounds {
			b.Fatalf("rounds %d, events %d; want %d, %d", *rounds, k.Processed(), benchRounds, 2*benchRounds)
		}
		events += k.Processed()
	}
	reportEvents(b, events)
}

// BenchmarkTimeoutsProcess is BenchmarkTimeouts written with Process
// instead of raw callbacks, to show that the process style costs nothing.
func BenchmarkTimeoutsProcess(b *testing.B) {
	b.ReportAllocs()
	var events uint64
	for b.Loop() {
		k := New()
		rng := rand.New(rand.NewPCG(1, 2))
		for range benchProcs {
			left := benchTimeouts
			var step func(p *Process)
			step = func(p *Process) {
				left--
				if left > 0 {
					p.Wait(Time(rng.ExpFloat64()), step)
				}
			}
			k.Start(func(p *Process) { p.Wait(Time(rng.ExpFloat64()), step) })
		}
		k.Run()
		// Each process adds one zero-delay start event.
		if want := uint64(benchProcs * (benchTimeouts + 1)); k.Processed() != want {
			b.Fatalf("processed %d events, want %d", k.Processed(), want)
		}
		events += k.Processed()
	}
	reportEvents(b, events)
}

// BenchmarkCancel measures the timer-reset pattern: every event cancels a
// far-future watchdog and schedules a new one, so half of all scheduled
// events are cancelled (1,000 processes, 1 M events per op).
func BenchmarkCancel(b *testing.B) {
	b.ReportAllocs()
	var events uint64
	for b.Loop() {
		k := New()
		rng := rand.New(rand.NewPCG(1, 2))
		watchdog := func() { b.Fatal("watchdog fired") }
		for range benchProcs {
			left := benchTimeouts
			var dog Handle
			var step func()
			step = func() {
				k.Cancel(dog)
				left--
				if left > 0 {
					k.Schedule(Time(rng.ExpFloat64()), step)
					dog = k.Schedule(1e9, watchdog)
				}
			}
			k.Schedule(Time(rng.ExpFloat64()), step)
		}
		k.Run()
		if k.Processed() != benchProcs*benchTimeouts {
			b.Fatalf("processed %d events, want %d", k.Processed(), benchProcs*benchTimeouts)
		}
		events += k.Processed()
	}
	reportEvents(b, events)
}
