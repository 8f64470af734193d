package sim

import "testing"

func TestEvent(t *testing.T) {
	tests := []struct {
		name string
		run  func(t *testing.T, k *Kernel, r *recorder, e *Event)
		want string
	}{
		{"waiters run after the trigger, in registration order", func(t *testing.T, k *Kernel, r *recorder, e *Event) {
			e.OnTrigger(r.at("w1"))
			e.OnTrigger(r.at("w2"))
			k.Schedule(2, func() {
				r.at("trigger")()
				if !e.Trigger() {
					t.Error("first Trigger = false")
				}
				r.at("after-trigger")() // waiters do not run inside Trigger
			})
			e.OnTrigger(r.at("w3"))
		}, "trigger@2 after-trigger@2 w1@2 w2@2 w3@2"},
		{"second trigger does nothing", func(t *testing.T, k *Kernel, r *recorder, e *Event) {
			e.OnTrigger(r.at("w"))
			k.Schedule(1, func() { e.Trigger() })
			k.Schedule(2, func() {
				if e.Trigger() {
					t.Error("second Trigger = true")
				}
				if at, ok := e.TriggeredAt(); !ok || at != 1 {
					t.Errorf("TriggeredAt = %v, %v; want 1, true", at, ok)
				}
			})
		}, "w@1"},
		{"OnTrigger after the trigger runs at now, after events due now", func(t *testing.T, k *Kernel, r *recorder, e *Event) {
			k.Schedule(1, func() { e.Trigger() })
			k.Schedule(3, func() {
				k.Schedule(0, r.at("queued-first"))
				e.OnTrigger(r.at("late-waiter"))
				r.at("registered")()
			})
			k.Schedule(3, r.at("same-time"))
		}, "registered@3 same-time@3 queued-first@3 late-waiter@3"},
		{"TriggerAfter", func(t *testing.T, k *Kernel, r *recorder, e *Event) {
			e.OnTrigger(r.at("w"))
			e.TriggerAfter(2.5)
			if e.Triggered() {
				t.Error("Triggered before the delay elapsed")
			}
		}, "w@2.5"},
		{"TriggerAfter cancelled", func(t *testing.T, k *Kernel, r *recorder, e *Event) {
			e.OnTrigger(r.at("w"))
			h := e.TriggerAfter(2.5)
			k.Schedule(1, func() { k.Cancel(h) })
		}, ""},
		{"Trigger beats TriggerAfter", func(t *testing.T, k *Kernel, r *recorder, e *Event) {
			e.OnTrigger(r.at("w"))
			e.TriggerAfter(5)
			k.Schedule(1, func() { e.Trigger() })
		}, "w@1"},
		{"waiter registered by a waiter", func(t *testing.T, k *Kernel, r *recorder, e *Event) {
			e.OnTrigger(func() { r.at("w1")(); e.OnTrigger(r.at("w1b")) })
			e.OnTrigger(r.at("w2"))
			e.TriggerAfter(1)
		}, "w1@1 w2@1 w1b@1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := New()
			r := &recorder{k: k}
			e := k.NewEvent()
			if e.Triggered() || e.Kernel() != k {
				t.Fatal("new event already triggered or of the wrong kernel")
			}
			if _, ok := e.TriggeredAt(); ok {
				t.Fatal("TriggeredAt of a fresh event reports ok")
			}
			tt.run(t, k, r, e)
			k.Run()
			if got := r.String(); got != tt.want {
				t.Errorf("ran %q, want %q", got, tt.want)
			}
		})
	}
}

// TestEventRace is the deadline pattern: whichever of "done" and
// "deadline" comes first wins, and the loser's Trigger is harmless.
func TestEventRace(t *testing.T) {
	for _, tt := range []struct {
		work, deadline Time
		want           string
	}{
		{1, 2, "on-time@1"},
		{3, 2, "late@2"},
		{2, 2, "on-time@2"}, // the work was scheduled first, so it wins the tie
	} {
		k := New()
		r := &recorder{k: k}
		end := k.NewEvent()
		outcome := "late"
		k.Schedule(tt.work, func() {
			if end.Trigger() {
				outcome = "on-time"
			}
		})
		end.TriggerAfter(tt.deadline)
		end.OnTrigger(func() { r.at(outcome)() })
		k.Run()
		if got := r.String(); got != tt.want {
			t.Errorf("work %v, deadline %v: got %q, want %q", tt.work, tt.deadline, got, tt.want)
		}
	}
}
