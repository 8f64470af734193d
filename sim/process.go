package sim

// procState is the life-cycle state of a Process.
type procState uint8

const (
	procWaiting procState = iota // suspended until its wake-up callback runs
	procRunning                  // inside one of its steps
	procDone                     // finished or killed
)

// Process is a sequential activity, such as a learner that downloads, then
// computes, then uploads, written as a chain of steps without a goroutine.
// A step is a func(*Process); before returning it may suspend the process
// once, with Wait or WaitEvent, naming the step to continue with. A step
// that returns without suspending ends the process.
//
// Waiting allocates nothing: the process reuses one wake-up callback, so a
// process costs the same per event as a plain callback. Keep per-process
// state in variables captured by the step closures or in a struct whose
// method values are the steps.
//
// A Process must only be suspended from its own step. Like its kernel, it
// is not safe for concurrent use.
type Process struct {
	k      *Kernel
	then   func(*Process) // the step to run on wake-up
	wake   func()         // p.resume, bound once so waits do not allocate
	timer  Handle         // pending Wait, for Kill
	state  procState
	killed bool  // Kill was called from inside a step
	done   Event // fires when the process ends
}

// Start creates a process whose first step runs at the current time, as a
// zero-delay event, and returns it. It costs O(1).
//
// Panics if step is nil.
func (k *Kernel) Start(step func(p *Process)) *Process {
	if step == nil {
		panic("sim: nil process step")
	}
	p := &Process{k: k, then: step}
	p.done.k = k
	p.wake = p.resume
	k.push(k.now, p.wake)
	return p
}

// resume runs the step the process is waiting to continue with.
func (p *Process) resume() {
	if p.state != procWaiting {
		return // killed while the wake-up was queued
	}
	step := p.then
	p.then = nil
	p.timer = Handle{}
	p.state = procRunning
	step(p)
	if p.state == procRunning || p.killed {
		p.finish()
	}
}

// finish ends the process and fires its Done event.
func (p *Process) finish() {
	if p.state == procWaiting {
		p.k.Cancel(p.timer)
	}
	p.state = procDone
	p.then = nil
	p.timer = Handle{}
	p.done.Trigger()
}

// suspend records the continuation of a wait.
func (p *Process) suspend(then func(*Process)) {
	if p.state != procRunning || p.killed {
		panic("sim: a Process may wait only once per step, from its own step, while alive")
	}
	if then == nil {
		panic("sim: nil process step")
	}
	p.then = then
	p.state = procWaiting
}

// Wait suspends the process for delay seconds and then continues it with
// then. It costs O(log n) for n pending events and allocates nothing.
//
// Panics if delay is negative or NaN, if then is nil, or if called other
// than once from the process's own running step.
func (p *Process) Wait(delay Time, then func(*Process)) {
	if !(delay >= 0) {
		panicDelay(delay)
	}
	p.suspend(then)
	p.timer = p.k.push(p.k.now+delay, p.wake)
}

// WaitEvent suspends the process until e is triggered and then continues
// it with then. If e has already been triggered, the process continues at
// the current time, after the callbacks already due now.
//
// Panics if then is nil, or if called other than once from the process's
// own running step.
func (p *Process) WaitEvent(e *Event, then func(*Process)) {
	p.suspend(then)
	e.OnTrigger(p.wake)
}

// Kill ends the process and reports whether it was alive. A pending Wait is
// cancelled and a pending WaitEvent is ignored when its event fires, so no
// further step runs. Called from the process's own step, Kill ends the
// process when the step returns, and the step may no longer wait.
func (p *Process) Kill() bool {
	switch p.state {
	case procDone:
		return false
	case procRunning:
		if p.killed {
			return false
		}
		p.killed = true
		return true
	}
	p.finish()
	return true
}

// Alive reports whether the process has neither finished nor been killed.
func (p *Process) Alive() bool { return p.state != procDone && !p.killed }

// Done returns an event that fires when the process finishes or is killed.
// Other processes can wait for it with WaitEvent.
func (p *Process) Done() *Event { return &p.done }

// Kernel returns the kernel the process runs in.
func (p *Process) Kernel() *Kernel { return p.k }

// Now returns the current time of the process's kernel.
func (p *Process) Now() Time { return p.k.now }
