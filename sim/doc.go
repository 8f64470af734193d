// Package sim is a discrete-event simulation kernel: a simulated clock and
// an agenda of callbacks, with cancellable timers, one-shot events and an
// optional process style, all without goroutines.
//
// # Time and order
//
// Time is simulated time in seconds, starting at 0. A Kernel runs callbacks
// in order of (time, scheduling sequence): events due at the same instant
// run in the order in which they were scheduled, so a model that schedules
// deterministically runs deterministically. The kernel reads no clock and
// no global random source, and two kernels share no state.
//
//	k := sim.New()
//	h := k.Schedule(2.5, func() { fmt.Println("timer at", k.Now()) })
//	k.Cancel(h) // it will never run
//	k.RunUntil(10)
//
// Run executes events until none is left or a callback calls Stop. RunUntil
// executes every event due at or before a time t, then sets the clock to t.
// Step executes one event. Callbacks may schedule and cancel events, but
// must not call Run, RunUntil or Step themselves.
//
// # Timers and handles
//
// Schedule and ScheduleAt return a Handle, a small value that Cancel and
// Pending accept. Handles stay safe forever: once their event has run or
// been cancelled they refer to nothing, even after the kernel has reused
// their storage for another event.
//
// # Events and processes
//
// An Event is a one-shot condition: callbacks wait on it with OnTrigger and
// run, as zero-delay events in registration order, once Trigger fires it.
// Only the first Trigger counts, which makes races such as "upload arrived"
// against "deadline reached" easy to express.
//
// A Process is a sequential activity written as a chain of steps: a step
// ends by naming the next one in Process.Wait or Process.WaitEvent. It runs
// on the kernel's callbacks, not on a goroutine, and waiting allocates
// nothing.
//
// # Performance
//
// The agenda is a 4-ary min-heap of small pointer-free entries, compared
// without branches, plus a FIFO for events due at the current instant;
// callbacks live in a slot table with a free list, which also backs the
// handles. Scheduling and running cost O(log n) for n pending events, or
// O(1) for zero delays, and allocate nothing once the kernel has grown to
// its working set. Cancellation is lazy, in O(1), with a purge once
// cancelled events make up half the queue. The benchmarks in bench_test.go
// mirror the shared naive container/heap and SimPy anchors.
package sim
