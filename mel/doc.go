// Package mel is the mobile edge learning system of DESIGN.md inside the discrete-event
// kernel: an orchestrator and K wireless learners run the global cycles of the paper's
// Algorithm 1, with a task-allocation policy deciding every cycle how many samples d_k and
// local updates tau_k each learner gets.
//
// A Config (SI units, DefaultConfig holds the paper's setting) describes the learners' CPUs,
// radios, batteries, mobility and outages, the channel, the data, the model and the policy.
// New builds a System from it; Run plays the cycles as kernel events — downlink over the
// time-varying channel, tau_k compute iterations at whose simulated completion the real
// gradient updates (package mlcore) are collected, uplink — and sends typed records to a
// Recorder: per-cycle metrics, per-learner-per-cycle rows and the event trace, for which the
// package has CSV, JSON Lines and Chrome trace-event writers.
//
// Outputs depend only on the Config: every stochastic component draws from its own stream
// seeded by Config.Seed, and the real training, although it runs on a worker pool, is
// consumed in simulated-time order, so the worker count and GOMAXPROCS change nothing.
package mel
