// Package dataset is where mel-des gets its training and test data: a registry of data
// sources (MNIST, a seeded synthetic set, any idx files such as Fashion-MNIST, KMNIST or
// EMNIST, a CSV feature matrix, NumPy .npy arrays), each with its scenario keys described by
// param specs, and the resolution of where the data live (a scenario's dataset.dir, the
// environment, the Go module cache).
//
// A new data source is one file: a type that implements Source and an init function that
// registers a Kind. The scenario keys of [dataset], their checks and messages, and the
// network's input and output widths (from Info) come with it.
//
// mlcore, the learning package, only holds the resulting Dataset values; it reads no files
// and no environment.
package dataset
