// Command tfgate gates Terraform changes behind policies and tests.
package main

import (
	"os"

	"github.com/saprism/tfgate/internal/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}
