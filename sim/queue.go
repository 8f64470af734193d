package sim

import (
	"math"
	"math/bits"
)

// This file holds the two containers behind the kernel's agenda: a 4-ary
// min-heap of future events and a FIFO ring of events due at the current
// instant. Both hold small pointer-free values (the callbacks live in the
// kernel's slot table), so moving entries needs no write barriers, the
// garbage collector never scans them, and scheduling allocates nothing once
// the backing slices have grown to the working-set size.

// entry is one event in the heap, ordered by (key, seq). key is the bit
// pattern of the event's time: for the non-negative floats the kernel
// schedules, integer order of the bits is numeric order, +Inf included, so
// one 128-bit unsigned comparison orders entries without branches.
type entry struct {
	key  uint64 // timeKey of the event's time
	seq  uint64 // scheduling sequence number, unique per kernel
	slot uint32 // index into Kernel.slots
}

// timeKey maps a time t > 0 to its order-preserving key. Heap events
// always have t > Now() >= 0: an event due at Now goes to the FIFO instead,
// so neither negative numbers nor -0 ever reach the heap.
func timeKey(t Time) uint64 { return math.Float64bits(float64(t)) }

// keyTime inverts timeKey.
func keyTime(key uint64) Time { return Time(math.Float64frombits(key)) }

// less returns 1 if a is ordered before b and 0 otherwise, computed without
// branches: the borrow out of the 128-bit subtraction (a.key, a.seq) -
// (b.key, b.seq). Heap comparisons on random times are unpredictable, and
// branch-free selection of the smallest child roughly halves the cost of a
// pop compared with an if-chain.
func less(a, b *entry) int {
	_, borrow := bits.Sub64(a.seq, b.seq, 0)
	_, borrow = bits.Sub64(a.key, b.key, borrow)
	return int(borrow)
}

// eventHeap is a 4-ary min-heap of entries. A 4-ary heap has half the depth
// of a binary one, and a node's four 24-byte children span at most two
// cache lines.
type eventHeap struct {
	s []entry
}

// push adds e in O(log n).
func (h *eventHeap) push(e entry) {
	h.s = append(h.s, e)
	s := h.s
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) >> 2
		if less(&e, &s[p]) == 0 {
			break
		}
		s[i] = s[p]
		i = p
	}
	s[i] = e
}

// pop removes and returns the minimum entry in O(log n). The heap must not
// be empty.
func (h *eventHeap) pop() entry {
	s := h.s
	top := s[0]
	n := len(s) - 1
	last := s[n]
	s = s[:n]
	h.s = s
	if n > 0 {
		siftDown(s, 0, last)
	}
	return top
}

// siftDown places x at hole i and moves it down until the heap property
// holds for s.
func siftDown(s []entry, i int, x entry) {
	n := len(s)
	for {
		c := 4*i + 1
		if c+3 < n {
			// All four children exist: pick the smallest without branches.
			ch := s[c : c+4 : c+4]
			a := less(&ch[1], &ch[0])
			b := 2 + less(&ch[3], &ch[2])
			a += (b - a) * less(&ch[b], &ch[a])
			if less(&ch[a], &x) == 0 {
				break
			}
			s[i] = ch[a]
			i = c + a
			continue
		}
		if c < n { // the last internal node, with one to three children
			m := c
			for j := c + 1; j < n; j++ {
				if less(&s[j], &s[m]) != 0 {
					m = j
				}
			}
			if less(&s[m], &x) != 0 {
				s[i] = s[m]
				i = m
			}
		}
		break
	}
	s[i] = x
}

// filter keeps the entries for which keep returns true and restores the heap
// property in O(n).
func (h *eventHeap) filter(keep func(slot uint32) bool) {
	s := h.s
	w := 0
	for _, e := range s {
		if keep(e.slot) {
			s[w] = e
			w++
		}
	}
	s = s[:w]
	h.s = s
	for i := (w - 2) >> 2; i >= 0; i-- {
		siftDown(s, i, s[i])
	}
}

// ring is a FIFO queue of slot indices in a power-of-two circular buffer.
// Its events all share the kernel's current time and sit in sequence order,
// so neither time nor sequence number is stored.
type ring struct {
	buf  []uint32
	head int
	n    int
}

// push appends slot i in amortised O(1).
func (r *ring) push(i uint32) {
	if r.n == len(r.buf) {
		r.grow()
	}
	r.buf[(r.head+r.n)&(len(r.buf)-1)] = i
	r.n++
}

// pop removes and returns the oldest slot index in O(1). The ring must not
// be empty.
func (r *ring) pop() uint32 {
	i := r.buf[r.head]
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
	return i
}

// grow doubles the buffer (to at least 16 entries), unrolling the ring so
// that head is 0.
func (r *ring) grow() {
	nb := make([]uint32, max(16, 2*len(r.buf)))
	for j := 0; j < r.n; j++ {
		nb[j] = r.buf[(r.head+j)&(len(r.buf)-1)]
	}
	r.buf = nb
	r.head = 0
}

// filter keeps, in order, the indices for which keep returns true; O(n).
func (r *ring) filter(keep func(slot uint32) bool) {
	w := 0
	mask := len(r.buf) - 1
	for j := 0; j < r.n; j++ {
		i := r.buf[(r.head+j)&mask]
		if keep(i) {
			r.buf[(r.head+w)&mask] = i
			w++
		}
	}
	r.n = w
}
