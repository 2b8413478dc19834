package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/confmap/provider/envprovider"
	"go.opentelemetry.io/collector/confmap/provider/yamlprovider"
	"go.uber.org/zap"
	yaml "go.yaml.in/yaml/v3"
)

// configResult answers a configuration file: each OTTL-bearing component of each collector
// configuration found in it, accepted or not.
type configResult struct {
	ID         string            `json:"id"`
	Components []componentResult `json:"components"`
	Error      string            `json:"error,omitempty"`
}

// componentResult answers one processor or connector. At says where in the file its
// collector configuration is, when that is not the file itself.
type componentResult struct {
	Name     string `json:"name"`
	At       string `json:"at,omitempty"`
	Accepted bool   `json:"accepted"`
	Error    string `json:"error,omitempty"`
}

// foundConfig is a collector configuration inside a file: its YAML, where it is, and its
// text when it is a whole document (so that the resolver's errors point into it).
type foundConfig struct {
	at   string
	node *yaml.Node
	text string
}

// maxEmbedding is how deep configurations held in strings (a ConfigMap's data, a Helm
// value) are looked for.
const maxEmbedding = 3

// componentSections are the parts of a configuration whose components are checked.
var componentSections = []string{"processors", "connectors"}

// checkConfig finds the collector configurations in a file and checks their components.
func checkConfig(id, text string) configResult {
	result := configResult{ID: id, Components: []componentResult{}}
	found, err := findConfigs(text, "", 0)
	if err != nil {
		result.Error = err.Error()
		return result
	}
	var errs error
	for _, f := range found {
		components, err := checkFoundConfig(f)
		if err != nil {
			errs = errors.Join(errs, fmt.Errorf("%s: %w", location(f.at), err))
		}
		result.Components = append(result.Components, components...)
	}
	if errs != nil {
		result.Error = errs.Error()
	}
	return result
}

// location names a place in a file for an error message.
func location(at string) string {
	if at == "" {
		return "the file"
	}
	return at
}

// findConfigs parses a YAML text (every document of it) and returns the collector
// configurations in it, at (a path) prefixing where they are.
func findConfigs(text, at string, depth int) ([]foundConfig, error) {
	var docs []*yaml.Node
	decoder := yaml.NewDecoder(strings.NewReader(text))
	for {
		var doc yaml.Node
		err := decoder.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, &doc)
	}
	if len(docs) == 1 && len(docs[0].Content) == 1 && isCollectorConfig(docs[0].Content[0]) {
		return []foundConfig{{at: at, node: docs[0].Content[0], text: text}}, nil
	}
	var found []foundConfig
	for _, doc := range docs {
		walk(doc, at, depth, &found)
	}
	return found, nil
}

// walk looks for collector configurations in a YAML tree: mappings with processors or
// connectors, and strings that parse as YAML holding one.
func walk(n *yaml.Node, at string, depth int, found *[]foundConfig) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, child := range n.Content {
			walk(child, at, depth, found)
		}
	case yaml.SequenceNode:
		for i, child := range n.Content {
			walk(child, join(at, strconv.Itoa(i)), depth, found)
		}
	case yaml.MappingNode:
		if isCollectorConfig(n) {
			*found = append(*found, foundConfig{at: at, node: n})
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			walk(n.Content[i+1], join(at, n.Content[i].Value), depth, found)
		}
	case yaml.ScalarNode:
		if depth < maxEmbedding && n.Tag == "!!str" && mayHoldConfig(n.Value) {
			// A string that is not YAML is just a string.
			embedded, _ := findConfigs(n.Value, at, depth+1)
			*found = append(*found, embedded...)
		}
	}
}

// join extends a path in a file.
func join(at, key string) string {
	if at == "" {
		return key
	}
	return at + "/" + key
}

// mayHoldConfig is a cheap test that spares parsing most strings.
func mayHoldConfig(s string) bool {
	return strings.Contains(s, "processors:") || strings.Contains(s, "connectors:")
}

// isCollectorConfig says whether a mapping has a processors or connectors mapping.
func isCollectorConfig(n *yaml.Node) bool {
	for _, section := range componentSections {
		if value := mappingValue(n, section); value != nil && value.Kind == yaml.MappingNode {
			return true
		}
	}
	return false
}

// mappingValue is the value of key in a mapping node, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// checkFoundConfig resolves a configuration as the collector does and checks its
// components in the file's order. The error is for a configuration the collector cannot
// read (a duplicate key, say); its components are then still checked, each resolved alone.
func checkFoundConfig(f foundConfig) ([]componentResult, error) {
	var conf *confmap.Conf
	var confErr error
	if f.text != "" {
		conf, confErr = resolve(f.text)
	} else {
		conf, confErr = resolveNode(f.node)
	}
	var results []componentResult
	for _, section := range componentSections {
		components := mappingValue(f.node, section)
		if components == nil || components.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(components.Content); i += 2 {
			key, value := components.Content[i], components.Content[i+1]
			load := func() (*confmap.Conf, error) {
				if confErr != nil {
					return resolveNode(alone(section, key, value))
				}
				return conf, nil
			}
			if result, ok := checkNamed(load, section, key.Value); ok {
				result.At = f.at
				results = append(results, result)
			}
		}
	}
	return results, confErr
}

// alone is a configuration holding only one component.
func alone(section string, key, value *yaml.Node) *yaml.Node {
	components := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{key, value}}
	sectionKey := &yaml.Node{Kind: yaml.ScalarNode, Value: section}
	return &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{sectionKey, components}}
}

// resolveNode resolves a YAML tree, written back as text: marshaling keeps its scalars'
// styles, and so the types the collector gives them.
func resolveNode(n *yaml.Node) (*confmap.Conf, error) {
	text, err := yaml.Marshal(n)
	if err != nil {
		return nil, err
	}
	return resolve(string(text))
}

// checkNamed checks the component section::key, from the configuration load resolves, if
// its type is one that holds OTTL.
func checkNamed(load func() (*confmap.Conf, error), section, key string) (componentResult, bool) {
	typ, _, _ := strings.Cut(key, "/")
	if !inScope(section, typ) {
		return componentResult{}, false
	}
	result := componentResult{Name: section + "/" + key}
	err := checkKey(load, section, key)
	if err != nil {
		result.Error = err.Error()
	}
	result.Accepted = err == nil
	return result, true
}

// inScope says whether a component type is one check answers for.
func inScope(section, typ string) bool {
	switch section {
	case "processors":
		return processorFactories[typ] != nil || removedTypes[section][typ]
	case "connectors":
		return connectorFactories[typ] != nil || typ == "routing"
	}
	return false
}

// checkKey parses a component's id and loads its section.
func checkKey(load func() (*confmap.Conf, error), section, key string) error {
	var id component.ID
	if err := id.UnmarshalText([]byte(key)); err != nil {
		return err
	}
	conf, err := load()
	if err != nil {
		return err
	}
	sub, err := conf.Sub(section + confmap.KeyDelimiter + key)
	if err != nil {
		return err
	}
	return checkComponent(section, id, sub)
}

// resolve expands a configuration's text with the collector's resolver: the yaml
// provider reads it, the env provider (with no variables set, an unset one expanding to
// nothing) is the default scheme, `$$` becomes `$`.
func resolve(text string) (*confmap.Conf, error) {
	resolver, err := confmap.NewResolver(confmap.ResolverSettings{
		URIs:              []string{"yaml:" + text},
		ProviderFactories: []confmap.ProviderFactory{envprovider.NewFactory(), yamlprovider.NewFactory()},
		DefaultScheme:     "env",
		ProviderSettings:  confmap.ProviderSettings{Logger: zap.NewNop()},
	})
	if err != nil {
		return nil, err
	}
	return resolver.Resolve(context.Background())
}
