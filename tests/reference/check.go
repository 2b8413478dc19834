package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/filterprocessor"
	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/transformprocessor"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/featuregate"
	"go.opentelemetry.io/collector/pipeline"
	"go.opentelemetry.io/collector/processor"
)

// checkCase is one line of a check: an OTTL row (kind, signal, context, text, gates) or,
// when Config is set, a whole collector configuration file. Kind is `statement` (a
// transform processor group), `condition` (a filter processor group) or `route` (a
// routing connector table row's statement).
type checkCase struct {
	ID      string   `json:"id"`
	Kind    string   `json:"kind"`
	Signal  string   `json:"signal"`
	Context string   `json:"context"`
	Text    string   `json:"text"`
	Gates   []string `json:"gates"`
	Config  *string  `json:"config"`
}

// rowResult answers an OTTL row: does the collector start with it?
type rowResult struct {
	ID       string `json:"id"`
	Accepted bool   `json:"accepted"`
	Error    string `json:"error,omitempty"`
}

// check answers one case per input line with one result per output line. A line that is
// not a case is the caller's mistake, not the collector's answer, so it ends the run.
func check(in io.Reader, out io.Writer) error {
	// The collector expands ${env:X} from its environment; check answers for a collector
	// started with none, so that results do not depend on who runs it.
	os.Clearenv()
	scanner := bufio.NewScanner(in)
	scanner.Buffer(make([]byte, 1<<20), 1<<28)
	encoder := json.NewEncoder(out)
	encoder.SetEscapeHTML(false)
	for line := 1; scanner.Scan(); line++ {
		var c checkCase
		if err := json.Unmarshal(scanner.Bytes(), &c); err != nil {
			return fmt.Errorf("line %d is not a check case: %w", line, err)
		}
		result, err := checkOne(c)
		if err != nil {
			return fmt.Errorf("line %d (id %q): %w", line, c.ID, err)
		}
		if err := encoder.Encode(result); err != nil {
			return err
		}
	}
	return scanner.Err()
}

// checkOne answers a row or a config; the error is for a case that cannot be asked.
func checkOne(c checkCase) (any, error) {
	if c.Config != nil {
		return checkConfig(c.ID, *c.Config), nil
	}
	conf, err := rowConfig(c)
	if err != nil {
		return nil, err
	}
	err = withGates(c.Gates, func() error {
		return recovering(func() error {
			if c.Kind == "route" {
				return checkRouting(conf)
			}
			return buildProcessor(rowFactories[c.Kind], conf, []pipeline.Signal{signalOf[c.Signal]})
		})
	})
	if err != nil {
		return rowResult{ID: c.ID, Error: err.Error()}, nil
	}
	return rowResult{ID: c.ID, Accepted: true}, nil
}

// rowFactories are the processors that load a row, by kind.
var rowFactories = map[string]processor.Factory{
	"statement": transformprocessor.NewFactory(),
	"condition": filterprocessor.NewFactory(),
}

// signalOf maps a row's signal to the collector's.
var signalOf = map[string]pipeline.Signal{
	"traces":  pipeline.SignalTraces,
	"metrics": pipeline.SignalMetrics,
	"logs":    pipeline.SignalLogs,
}

// rowConfig is the component section the collector would read for a row: a transform
// processor's statement group, a filter processor's condition group in its
// <signal>_conditions layout, or a routing table row, the text as its only item.
func rowConfig(c checkCase) (*confmap.Conf, error) {
	if _, ok := signalOf[c.Signal]; !ok {
		return nil, fmt.Errorf("unknown signal %q: traces, metrics or logs", c.Signal)
	}
	if c.Kind == "route" {
		route := map[string]any{"statement": c.Text, "pipelines": []any{c.Signal + "/routed"}}
		if c.Context != "" {
			route["context"] = c.Context
		}
		return confmap.NewFromStringMap(map[string]any{"table": []any{route}}), nil
	}
	singular := map[string]string{"traces": "trace", "metrics": "metric", "logs": "log"}[c.Signal]
	items := map[string]string{"statement": "statements", "condition": "conditions"}[c.Kind]
	if items == "" {
		return nil, fmt.Errorf("unknown kind %q: statement, condition or route", c.Kind)
	}
	group := map[string]any{items: []any{c.Text}}
	if c.Context != "" {
		group["context"] = c.Context
	}
	section := map[string]any{"error_mode": "propagate", singular + "_" + items: []any{group}}
	return confmap.NewFromStringMap(section), nil
}

// withGates runs f with the named feature gates enabled, as `--feature-gates` would, and
// then restores them, so that one row's gates do not leak into the next. An unknown gate
// stops the collector from starting, so it is the row's error.
func withGates(gates []string, f func() error) error {
	registry := featuregate.GlobalRegistry()
	previous := map[string]bool{}
	registry.VisitAll(func(g *featuregate.Gate) { previous[g.ID()] = g.IsEnabled() })
	defer func() {
		for _, id := range gates {
			if enabled, ok := previous[id]; ok {
				_ = registry.Set(id, enabled)
			}
		}
	}()
	var errs error
	for _, id := range gates {
		errs = errors.Join(errs, registry.Set(id, true))
	}
	if errs != nil {
		return errs
	}
	return f()
}
