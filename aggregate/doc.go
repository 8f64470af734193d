// Package aggregate is the server side of federated learning in mel-des: how the models the
// learners upload become the next global model. Each scheme is a plug-in in a registry, in
// the manner of the mobility models (device.RegisterMobility) and the data sources
// (dataset.Register): it declares its scenario keys as param specs, says which schedules it
// combines with, and builds an Aggregator for one run.
//
// Three schemes are registered:
//
//   - fedavg: the arrived models averaged with weights d_k, the samples each trained on
//     (McMahan et al., 2017; the paper's eq. 3). The synchronous cycle's rule.
//   - fedasync: every arriving model is mixed into the global one at once with weight
//     α·s(staleness) (Xie, Koyejo and Gupta, 2019).
//   - fedbuff: the server buffers M updates (model deltas), weights each by d_k·s(staleness),
//     and applies their weighted mean times a server learning rate (Nguyen et al., AISTATS
//     2022).
//
// Staleness is the number of global model versions published since the learner downloaded
// the model it trained. The staleness functions s are those of FedAsync and FLSim: constant,
// polynomial (1 + s)^(−a) and hinge (1 up to b, then 1/(a·(s − b) + 1)).
//
// Arithmetic is done in float64 per parameter and rounded to float32 once, in a fixed order,
// so that the result depends on nothing but the inputs and their order.
package aggregate
