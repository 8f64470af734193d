// Package mlcore does the learning of mel-des: the Dataset type and a
// small seeded synthetic generator, partitions of a dataset among learners, a float32
// multilayer perceptron (default 784-300-124-60-10, ReLU, softmax
// cross-entropy), one local iteration of mini-batch SGD (one epoch over a
// learner's samples), weighted model averaging, batched evaluation, and a
// worker pool that trains many learners at once. It knows nothing about
// time, energy or radios.
//
// # Determinism
//
// Every random choice comes from a *rand.Rand the caller passes in (a
// learner's own stream) or from an explicit seed; reductions run in a fixed
// order; and no floating-point sum is split across goroutines. So the
// parameters after any sequence of Epoch, Average and Pool calls are
// bit-identical for any worker count and GOMAXPROCS. They are identical
// across machines only when the same kernels run: the AVX-512, AVX2 and
// portable Go kernels round differently (they agree to float32 accuracy).
//
// # Speed
//
// One training step is three matrix products per layer. mlcore keeps
// activations feature-major with the batch across SIMD lanes and the bias
// folded into the weights as an extra row, so the forward pass and the
// input gradients are one register-blocked kernel (with ReLU or the ReLU
// mask fused into its store) and the weight gradient is a second kernel
// fused with the SGD update, which writes each weight once and keeps no
// gradient buffer. Both kernels are generated Go assembly (gen_kernels.go):
// AVX-512 (14×32 and 6×64 tiles), AVX2 (6×16 and 4×24), chosen at start-up
// from the CPU's features, with a portable Go fallback (build tag purego
// forces it). On the AVX-512 machines this project runs on, one core does
// about 150 GFLOP/s in a local epoch of the default network.
//
// # Data
//
// mlcore reads no files and no environment: the data sources (MNIST, idx,
// CSV and .npy files) and where they live are package dataset's concern,
// which hands Dataset values to this package.
package mlcore
