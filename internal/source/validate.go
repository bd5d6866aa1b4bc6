package source

import (
	"fmt"
	"sort"
)

// Problem is one static-check finding in the configuration.
type Problem struct {
	File    string // relative to the repository root
	Line    int
	Message string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message) }

// Validate runs the static checks `tfgate validate` adds to `terraform
// validate`: every variable declares a type and a description, because the
// gate's reports and the tfvars files are only readable when they do.
// Problems are sorted by file and line.
func (ix *Index) Validate() []Problem {
	var out []Problem
	for _, m := range ix.modules {
		for name, b := range m.variables {
			file, line := ix.rel(b.DefRange().Filename), b.DefRange().Start.Line
			if _, ok := b.Body.Attributes["type"]; !ok {
				out = append(out, Problem{file, line, fmt.Sprintf("variable %q has no type", name)})
			}
			d, ok := b.Body.Attributes["description"]
			if s, lit := literalString(d); !ok || (lit && s == "") {
				out = append(out, Problem{file, line, fmt.Sprintf("variable %q has no description", name)})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].File != out[j].File {
			return out[i].File < out[j].File
		}
		if out[i].Line != out[j].Line {
			return out[i].Line < out[j].Line
		}
		return out[i].Message < out[j].Message
	})
	return out
}
