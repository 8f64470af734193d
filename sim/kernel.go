package sim

import (
	"fmt"
	"math"
)

// Time is simulated time in seconds. It is a point on the simulation clock
// when returned by Kernel.Now and a duration when passed as a delay.
type Time float64

// Handle identifies one scheduled callback so that it can be cancelled or
// queried. It is a small value type: copy it freely. The zero Handle refers
// to no event; Cancel and Pending treat it as an event that is not pending.
//
// A Handle stays safe after its event has run or been cancelled: the kernel
// recycles the storage behind it, but a recycled slot carries a new sequence
// number, so a stale Handle can never cancel the event that reuses its slot.
type Handle struct {
	k    *Kernel
	seq  uint64
	slot uint32
}

// IsZero reports whether h is the zero Handle, which refers to no event.
func (h Handle) IsZero() bool { return h.k == nil }

// slot backs a Handle and holds its event's callback. seq is the sequence
// number of the event that owns the slot, or 0 while the slot is free.
type slot struct {
	fn        func()
	seq       uint64
	next      uint32 // free-list link: index+1 of the next free slot, 0 = end
	cancelled bool   // the owning event was cancelled but is still queued
}

// compactMin is the number of queued cancelled events below which the kernel
// never bothers to purge them from its queues.
const compactMin = 64

// Kernel is a discrete-event simulation kernel: a clock and an agenda of
// callbacks ordered by (time, scheduling sequence). Callbacks scheduled for
// the same instant run in the order in which they were scheduled.
//
// A Kernel is not safe for concurrent use; callbacks run on the goroutine
// that called Run, RunUntil or Step. Kernels share no state, so independent
// kernels may run on different goroutines.
//
// Scheduling and running an event cost O(log n) for n pending events, and
// cancelling costs amortised O(1); none of them allocates once the kernel's
// internal slices have grown to the peak number of queued events. Callbacks
// due at the current instant take a FIFO fast path that costs O(1).
type Kernel struct {
	now       Time
	seq       uint64 // sequence number of the last scheduled event
	heap      eventHeap
	fifo      ring // events due at now, in sequence order
	slots     []slot
	free      uint32 // index+1 of the first free slot, 0 = none
	tombs     int    // cancelled events still in heap or fifo
	processed uint64
	stopReq   bool
	running   bool
}

// New returns an empty kernel whose clock reads 0. The zero Kernel is
// equivalent, but New is the conventional constructor.
func New() *Kernel { return &Kernel{} }

// Now returns the current simulated time.
func (k *Kernel) Now() Time { return k.now }

// Processed returns the number of callbacks executed so far. Cancelled
// events are not counted.
func (k *Kernel) Processed() uint64 { return k.processed }

// Len returns the number of pending events, excluding cancelled ones. It
// runs in O(1).
func (k *Kernel) Len() int { return len(k.heap.s) + k.fifo.n - k.tombs }

// Schedule arranges for fn to be called delay seconds from now and returns
// a Handle that can cancel it. A zero delay runs fn at the current instant,
// after every callback already due now. It costs O(log n) for n pending
// events, or O(1) when delay is 0. A delay of +Inf is accepted; such events
// run last and move the clock to +Inf.
//
// Panics if delay is negative or NaN, if fn is nil, or if 2^32-1 events are
// already queued.
func (k *Kernel) Schedule(delay Time, fn func()) Handle {
	if !(delay >= 0) {
		panicDelay(delay)
	}
	return k.push(k.now+delay, fn)
}

// ScheduleAt arranges for fn to be called at absolute time t and returns a
// Handle that can cancel it. ScheduleAt(k.Now(), fn) is equivalent to
// Schedule(0, fn). It costs O(log n) for n pending events.
//
// Panics if t is NaN or earlier than Now, if fn is nil, or if 2^32-1 events
// are already queued.
func (k *Kernel) ScheduleAt(t Time, fn func()) Handle {
	if !(t >= k.now) {
		panicAt(t, k.now)
	}
	return k.push(t, fn)
}

func panicDelay(d Time) {
	panic(fmt.Sprintf("sim: invalid delay %v (must be >= 0 and not NaN)", float64(d)))
}

func panicAt(t, now Time) {
	panic(fmt.Sprintf("sim: cannot schedule at %v, before the current time %v", float64(t), float64(now)))
}

// push queues fn at time t >= now. Events due now go to the FIFO: every heap
// event with time == now was scheduled while the clock was still earlier,
// hence has a smaller sequence number than any FIFO entry, so draining heap
// events at now before the FIFO preserves (time, sequence) order.
func (k *Kernel) push(t Time, fn func()) Handle {
	if fn == nil {
		panic("sim: nil callback")
	}
	k.seq++
	var i uint32
	if k.free != 0 {
		i = k.free - 1
		k.free = k.slots[i].next
		k.slots[i] = slot{fn: fn, seq: k.seq}
	} else {
		if len(k.slots) == math.MaxUint32 {
			panic("sim: too many pending events")
		}
		i = uint32(len(k.slots))
		k.slots = append(k.slots, slot{fn: fn, seq: k.seq})
	}
	if t == k.now {
		k.fifo.push(i)
	} else {
		k.heap.push(entry{key: timeKey(t), seq: k.seq, slot: i})
	}
	return Handle{k: k, seq: k.seq, slot: i}
}

// release returns slot i to the free list.
func (k *Kernel) release(i uint32) {
	k.slots[i] = slot{next: k.free}
	k.free = i + 1
}

// Pending reports whether h refers to an event of k that has neither run
// nor been cancelled. It runs in O(1) and returns false for the zero Handle
// and for handles issued by another kernel.
func (k *Kernel) Pending(h Handle) bool {
	if h.k != k || int(h.slot) >= len(k.slots) {
		return false
	}
	s := &k.slots[h.slot]
	return s.seq == h.seq && !s.cancelled
}

// Cancel prevents the event behind h from running and reports whether it
// was pending. Cancelling the zero Handle, an event that already ran, an
// event already cancelled or a handle of another kernel does nothing and
// returns false. A callback may cancel any event, including others due at
// the same instant. Cancel runs in amortised O(1): the event is dropped
// lazily, and the queues are purged once cancelled events make up half of
// them, so cancelled events never pin more than a constant factor of memory.
func (k *Kernel) Cancel(h Handle) bool {
	if !k.Pending(h) {
		return false
	}
	k.slots[h.slot] = slot{seq: h.seq, cancelled: true} // drops fn for the GC
	k.tombs++
	if k.tombs >= compactMin && 2*k.tombs > len(k.heap.s)+k.fifo.n {
		k.compact()
	}
	return true
}

// compact removes every cancelled event from the queues in O(n).
func (k *Kernel) compact() {
	k.heap.filter(k.keep)
	k.fifo.filter(k.keep)
	k.tombs = 0
}

// keep reports whether the event in slot i is live, releasing the slot if
// the event was cancelled.
func (k *Kernel) keep(i uint32) bool {
	if k.slots[i].cancelled {
		k.release(i)
		return false
	}
	return true
}

// next removes the earliest live event due no later than limit, advances
// the clock to its time and returns its callback. It returns false when no
// such event exists. Cancelled events met on the way are discarded without
// moving the clock. limit must be >= now.
func (k *Kernel) next(limit Time) (func(), bool) {
	for {
		var i uint32
		t := k.now
		if k.fifo.n > 0 && (len(k.heap.s) == 0 || keyTime(k.heap.s[0].key) > t) {
			i = k.fifo.pop()
		} else if len(k.heap.s) > 0 && keyTime(k.heap.s[0].key) <= limit {
			e := k.heap.pop()
			i, t = e.slot, keyTime(e.key)
		} else {
			return nil, false
		}
		s := &k.slots[i]
		fn, dead := s.fn, s.cancelled
		k.release(i)
		if dead {
			k.tombs--
			continue
		}
		k.now = t
		return fn, true
	}
}

// enter marks the kernel as running. It panics on re-entry, which would
// otherwise interleave two event loops over one agenda.
func (k *Kernel) enter() {
	if k.running {
		panic("sim: Run, RunUntil or Step called from inside a callback")
	}
	k.running = true
	k.stopReq = false
}

func (k *Kernel) leave() {
	k.running = false
	k.stopReq = false
}

// Run executes events in (time, sequence) order until none is pending or a
// callback calls Stop. Afterwards Now is the time of the last event run. It
// costs O(log n) per event.
//
// Panics if called from inside a callback. A panic raised by a callback
// propagates to the caller of Run; the kernel stays usable, with the
// panicking event consumed.
func (k *Kernel) Run() {
	k.enter()
	defer k.leave()
	for !k.stopReq {
		fn, ok := k.next(Time(math.Inf(1)))
		if !ok {
			return
		}
		k.processed++
		fn()
	}
}

// RunUntil executes, in order, every event whose time is <= t, including
// events that callbacks schedule at or before t while it runs, and then
// sets the clock to exactly t. Events later than t stay queued. If a
// callback calls Stop, RunUntil returns right after that callback and the
// clock stays at that event's time. RunUntil(Now()) runs the events due at
// the current instant. It costs O(log n) per event.
//
// Panics if t is NaN or earlier than Now, or if called from inside a
// callback.
func (k *Kernel) RunUntil(t Time) {
	if !(t >= k.now) {
		panic(fmt.Sprintf("sim: RunUntil(%v) is before the current time %v", float64(t), float64(k.now)))
	}
	k.enter()
	defer k.leave()
	for !k.stopReq {
		fn, ok := k.next(t)
		if !ok {
			k.now = t
			return
		}
		k.processed++
		fn()
	}
}

// Step executes the next pending event, if any, and reports whether it ran
// one. Step ignores Stop. It costs O(log n).
//
// Panics if called from inside a callback.
func (k *Kernel) Step() bool {
	k.enter()
	defer k.leave()
	fn, ok := k.next(Time(math.Inf(1)))
	if !ok {
		return false
	}
	k.processed++
	fn()
	return true
}

// Stop makes the Run or RunUntil in progress return as soon as the current
// callback returns. Pending events stay queued, and a later Run resumes
// them. Stop has no effect outside Run and RunUntil: each call to them
// starts with no stop request.
func (k *Kernel) Stop() { k.stopReq = true }
