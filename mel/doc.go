// Package mel is the mobile edge learning system of DESIGN.md inside the discrete-event
// kernel: an orchestrator and K wireless learners run the global cycles of the paper's
// Algorithm 1, with a task-allocation policy deciding every cycle how many samples d_k and
// local updates tau_k each learner gets.
//
// A Config (SI units; DefaultConfig holds the paper's setting, and the zero value is valid)
// describes the learners' CPUs, radios, batteries, mobility (device.MobilityConfig) and
// outages (channel), the channel, the data (dataset.Config), the model and the policy.
// Validate and Check name every problem by its scenario key. New builds a System from it;
// Run plays the cycles (or, with Schedule = Asynchronous, the learners' independent rounds)
// as kernel events and sends records to a Recorder.
//
// The code follows the seams of the system:
//
//   - world.go: the physical side — learners' hardware, batteries, positions, links, energy
//     caps — and the coefficients the policy sees;
//   - learning.go, stream.go: the learning side — data, FL partitions, the global model, the
//     worker pool, evaluation, and the streamed training of a cycle's learners, which holds
//     a few model buffers per worker and one accumulator whatever the number of learners;
//   - round.go: one learner's work given by a plan — download, tau local iterations, upload —
//     as kernel events, with energy drawn as it is spent and a battery that can empty;
//   - cycle.go: the global cycle of Algorithm 1 — plan, hand out samples, start the rounds,
//     cut them at the deadline, train and aggregate, evaluate, record;
//   - record.go, output.go, writers.go, chrome.go: the records, the Recorder interfaces
//     (a writer implements the record kinds it wants), the registry of output formats and
//     the CSV, JSON Lines and Chrome trace-event writers;
//   - schedule.go, async.go: the asynchronous schedule — no global cycle; every learner
//     loops on its own through the same rounds, and the aggregation scheme (package
//     aggregate) merges each arrival or a buffer of them into a new global model version;
//   - clock.go: the evaluation clock, which evaluates the global model every Δt simulated
//     seconds in either schedule, with the energy spent so far;
//   - record_async.go, writers_async.go: the records of rounds, evaluations and
//     aggregations and their CSV writers.
//
// Outputs depend only on the Config: every stochastic component draws from its own stream
// seeded by Config.Seed, a learner's training depends only on the global model, its samples
// and its stream, and the models are averaged in learner order, so the worker count and
// GOMAXPROCS change nothing.
package mel
