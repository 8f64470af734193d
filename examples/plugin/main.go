// Command plugin is mel-des with one more policy: it embeds the mel-des command line and
// imports a package that registers "proportional-sync". Try
//
//	go run ./examples/plugin list
//	go run ./examples/plugin plan paper --all
//	go run ./examples/plugin run quickstart --policy proportional-sync
package main

import (
	"os"

	"github.com/mel-des/mel-des/cli"
	_ "github.com/mel-des/mel-des/examples/plugin/proportional"
)

func main() { os.Exit(cli.Main(os.Args[1:])) }
