package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/ottl"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/ottl/contexts/ottldatapoint"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/ottl/contexts/ottllog"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/ottl/contexts/ottlmetric"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/ottl/contexts/ottlresource"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/ottl/contexts/ottlspan"
	"github.com/open-telemetry/opentelemetry-collector-contrib/pkg/ottl/ottlfuncs"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/pipeline"
)

// The routing connector has no v0.161.0 on the module proxy, and its last release there
// (v0.149.0) does not build against pkg/ottl v0.161.0. So routing is checked by a stand-in
// that follows the connector's loading: its configuration layout and validation rules, then
// each table item's statement (or "route() where " + condition) parsed for its context with
// the functions the connector offers. Whether the named pipelines exist is left out: only
// the collector's pipeline graph knows, and that is not OTTL.

// routingConfig has the routing connector's configuration layout.
type routingConfig struct {
	ErrorMode        ottl.ErrorMode `mapstructure:"error_mode"`
	DefaultPipelines []pipeline.ID  `mapstructure:"default_pipelines"`
	Table            []routingItem  `mapstructure:"table"`
}

// routingItem is one row of a routing table.
type routingItem struct {
	Context   string        `mapstructure:"context"`
	Statement string        `mapstructure:"statement"`
	Condition string        `mapstructure:"condition"`
	Action    string        `mapstructure:"action"`
	Pipelines []pipeline.ID `mapstructure:"pipelines"`
}

// checkRouting loads a routing connector section: unmarshal, validate, parse the table.
func checkRouting(conf *confmap.Conf) error {
	cfg := routingConfig{ErrorMode: ottl.PropagateError}
	if err := conf.Unmarshal(&cfg); err != nil {
		return err
	}
	if len(cfg.Table) == 0 {
		return errors.New("invalid routing table: the routing table is empty")
	}
	for _, item := range cfg.Table {
		if err := validateRoute(item); err != nil {
			return err
		}
		if err := parseRoute(item); err != nil {
			return err
		}
	}
	return nil
}

// validateRoute applies the connector's rules for a table row, with its messages.
func validateRoute(item routingItem) error {
	switch {
	case item.Statement == "" && item.Condition == "":
		return errors.New("invalid route: no condition or statement provided")
	case item.Statement != "" && item.Condition != "":
		return errors.New("invalid route: both condition and statement provided")
	case len(item.Pipelines) == 0:
		return errors.New("invalid route: no pipelines defined")
	}
	switch item.Action {
	case "", "copy", "move":
	default:
		return errors.New("invalid routing action: if provided should be one of move/copy")
	}
	switch item.Context {
	case "", "resource", "span", "metric", "datapoint", "log":
		return nil
	case "request":
		// request["name"] == "value" is the connector's own small language, not OTTL.
		if item.Statement != "" {
			return fmt.Errorf("%q context requires a 'condition'", item.Context)
		}
		return nil
	}
	return errors.New("invalid context: " + item.Context)
}

// parseRoute parses a row's OTTL with the parser of its context.
func parseRoute(item routingItem) error {
	statement := item.Statement
	if item.Condition != "" {
		statement = "route() where " + item.Condition
	}
	settings := componenttest.NewNopTelemetrySettings()
	var err error
	switch item.Context {
	case "", "resource":
		err = parseWith(ottlresource.NewParser(routingFunctions[*ottlresource.TransformContext](), settings))(statement)
	case "span":
		functions := routingFunctions[*ottlspan.TransformContext]()
		isRootSpan := ottlfuncs.NewIsRootSpanFactory()
		functions[isRootSpan.Name()] = isRootSpan
		err = parseWith(ottlspan.NewParser(functions, settings))(statement)
	case "metric":
		err = parseWith(ottlmetric.NewParser(routingFunctions[*ottlmetric.TransformContext](), settings))(statement)
	case "datapoint":
		err = parseWith(ottldatapoint.NewParser(routingFunctions[*ottldatapoint.TransformContext](), settings))(statement)
	case "log":
		err = parseWith(ottllog.NewParser(routingFunctions[*ottllog.TransformContext](), settings))(statement)
	}
	return err
}

// parseWith turns a parser (or the error making it) into a statement check.
func parseWith[K any](parser ottl.Parser[K], err error) func(string) error {
	return func(statement string) error {
		if err != nil {
			return err
		}
		_, err := parser.ParseStatement(statement)
		return err
	}
}

// routingFunctions are the functions the routing connector offers: the standard
// converters, delete_key, delete_matching_keys and route().
func routingFunctions[K any]() map[string]ottl.Factory[K] {
	functions := ottlfuncs.StandardConverters[K]()
	for _, f := range []ottl.Factory[K]{
		ottlfuncs.NewDeleteKeyFactory[K](),
		ottlfuncs.NewDeleteMatchingKeysFactory[K](),
		ottl.NewFactory("route", nil, createRoute[K]),
	} {
		functions[f.Name()] = f
	}
	return functions
}

// createRoute makes route(), which marks a row's match and does nothing itself.
func createRoute[K any](ottl.FunctionContext, ottl.Arguments) (ottl.ExprFunc[K], error) {
	return func(_ context.Context, _ K) (any, error) { return true, nil }, nil
}
