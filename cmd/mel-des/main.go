// Command mel-des runs mobile edge learning simulations described by TOML scenarios: an
// orchestrator trains a real neural network across wireless learners, and a task-allocation
// policy decides every cycle how many samples and local updates each learner gets.
//
//	mel-des run [SCENARIO.toml | NAME] [flags]   simulate and write metrics and traces
//	mel-des plan [SCENARIO.toml | NAME] [flags]  show the first cycle's allocation
//	mel-des validate SCENARIO.toml...            check scenario files without running
//	mel-des list                                 embedded scenarios and policies
//	mel-des sweep SWEEP.toml [flags]             run a parameter sweep (resumable, shardable)
//	mel-des merge OUT.csv SHARD.csv...           combine the results of sweep shards
//	mel-des plot RESULTS.csv [flags]             draw accuracy figures from sweep results
//
// Run `mel-des COMMAND --help` for a command's flags. The command line itself is package
// github.com/mel-des/mel-des/cli, which programs can embed with policies of their own.
package main

import (
	"os"

	"github.com/mel-des/mel-des/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:])) }
