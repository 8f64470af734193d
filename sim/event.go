package sim

// Event is a one-shot condition that callbacks can wait for, such as "the
// upload has arrived". It starts untriggered; Trigger fires it once, and
// every waiter then runs as a zero-delay event of the kernel, in the order
// in which the waiters registered. Later Triggers do nothing.
//
// Create an Event with Kernel.NewEvent. An Event belongs to one kernel and,
// like it, is not safe for concurrent use.
type Event struct {
	k         *Kernel
	waiters   []func()
	triggered bool
	at        Time // when Trigger fired
}

// NewEvent returns an untriggered event of k.
func (k *Kernel) NewEvent() *Event { return &Event{k: k} }

// Kernel returns the kernel the event belongs to.
func (e *Event) Kernel() *Kernel { return e.k }

// OnTrigger registers fn to run once the event is triggered. If the event
// has already been triggered, fn is scheduled with zero delay, that is at
// the current time after the callbacks already due now. Registering costs
// amortised O(1) before the trigger and O(1) after it.
//
// Panics if fn is nil.
func (e *Event) OnTrigger(fn func()) {
	if fn == nil {
		panic("sim: nil callback")
	}
	if e.triggered {
		e.k.push(e.k.now, fn)
		return
	}
	e.waiters = append(e.waiters, fn)
}

// Trigger fires the event now and reports whether this call fired it. The
// waiters are scheduled as zero-delay events in registration order; they
// run after the current callback returns, not inside Trigger. A second
// Trigger, or a Trigger after the event fired through TriggerAfter, does
// nothing and returns false, so racing causes (say, "upload arrived" and
// "deadline reached") may all call Trigger safely. It costs O(w) for w
// waiters.
func (e *Event) Trigger() bool {
	if e.triggered {
		return false
	}
	e.triggered = true
	e.at = e.k.now
	for _, fn := range e.waiters {
		e.k.push(e.k.now, fn)
	}
	e.waiters = nil
	return true
}

// TriggerAfter schedules a Trigger of the event delay seconds from now and
// returns the Handle of that scheduled call, which Kernel.Cancel can revoke.
// If the event has fired by then, the scheduled Trigger does nothing. It
// costs O(log n) for n pending events.
//
// Panics if delay is negative or NaN.
func (e *Event) TriggerAfter(delay Time) Handle {
	return e.k.Schedule(delay, func() { e.Trigger() })
}

// Triggered reports whether the event has fired.
func (e *Event) Triggered() bool { return e.triggered }

// TriggeredAt returns the time at which the event fired and true, or 0 and
// false if it has not fired.
func (e *Event) TriggeredAt() (Time, bool) { return e.at, e.triggered }
