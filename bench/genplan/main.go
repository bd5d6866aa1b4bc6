// Command genplan writes a generated Terraform plan JSON of N resources to
// stdout, for timing other tools (opa eval, conftest) on the same plans as
// the Go benchmarks: go run ./bench/genplan -n 1000 > plan.json
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/saprism/tfgate/bench/gen"
)

func main() {
	n := flag.Int("n", 1000, "number of resource changes")
	flag.Parse()
	if *n < 1 {
		fmt.Fprintln(os.Stderr, "genplan: -n must be at least 1")
		os.Exit(2)
	}
	if _, err := os.Stdout.Write(gen.Plan(*n)); err != nil {
		fmt.Fprintln(os.Stderr, "genplan:", err)
		os.Exit(1)
	}
}
