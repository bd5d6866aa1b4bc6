package exceptions

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v3"
)

// ReadFile reads an exceptions file ({exceptions: [...]}), strictly: an
// unknown key is an error naming the line, so a typo cannot silently drop a
// field and the gate fails closed.
func ReadFile(path string) ([]Exception, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("exceptions file: %w", err)
	}
	var doc struct {
		Exceptions []Exception `yaml:"exceptions"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := SetLines(data, path, doc.Exceptions); err != nil {
		return nil, err
	}
	return doc.Exceptions, nil
}

// SetLines records the file and line of each exception of the top-level
// "exceptions" list of a YAML document (tfgate.yaml or an exceptions file),
// so every error about one names where it is written.
func SetLines(data []byte, path string, ex []Exception) error {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(root.Content) == 0 {
		return nil
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != "exceptions" {
			continue
		}
		for j, n := range m.Content[i+1].Content {
			if j < len(ex) {
				ex[j].Line = n.Line
				ex[j].File = path
			}
		}
	}
	return nil
}
