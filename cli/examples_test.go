package cli_test

// The example plug-ins are registered in this test binary, so that the docs test can check
// the commands README.md gives for `go run ./examples/plugin`.
import (
	_ "github.com/mel-des/mel-des/examples/plugin/guard"
	_ "github.com/mel-des/mel-des/examples/plugin/proportional"
)
