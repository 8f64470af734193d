// Command plugin is mel-des with two more policies: it embeds the mel-des command line and
// imports the packages that register them, "proportional-sync" (an allocator) and
// "deadline-guard" (a reactive policy that acts while the cycle runs). Try
//
//	go run ./examples/plugin list
//	go run ./examples/plugin plan paper --all
//	go run ./examples/plugin run quickstart --policy proportional-sync
//	go run ./examples/plugin run mobility --policy deadline-guard
package main

import (
	"os"

	"github.com/mel-des/mel-des/cli"
	_ "github.com/mel-des/mel-des/examples/plugin/guard"
	_ "github.com/mel-des/mel-des/examples/plugin/proportional"
)

func main() { os.Exit(cli.Main(os.Args[1:])) }
