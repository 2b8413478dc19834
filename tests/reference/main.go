// Command ottl-ref runs OTTL through the OpenTelemetry Collector's own components, so that
// ottlc can be measured against the real thing (issue 5, DESIGN §8):
//
//	ottl-ref statements -signal logs [-context log] [-error-mode ignore] [-gates g,...] RULES INPUT
//	ottl-ref conditions -signal logs -context log [-error-mode ignore] RULES INPUT
//
// RULES holds one statement (or condition) per line. INPUT is OTLP JSON. `statements` runs
// them in a transform processor (v0.161.0) and prints the payload it passes on;
// `conditions` runs them in a filter processor and prints what it keeps. The output is
// pdata's own OTLP JSON. Exit status: 0 on success, 1 when the processor fails the payload
// (error mode propagate), 3 when the collector rejects the configuration (parse errors), 2
// on usage or input errors.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/filterprocessor"
	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/transformprocessor"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/featuregate"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"
)

const (
	exitFailed   = 1
	exitUsage    = 2
	exitRejected = 3
)

func main() {
	if len(os.Args) < 2 {
		usage("a command is needed: statements or conditions")
	}
	mode := os.Args[1]
	flags := flag.NewFlagSet(mode, flag.ExitOnError)
	signal := flags.String("signal", "", "traces, metrics or logs")
	contextName := flags.String("context", "", "the statements' context (inferred when empty)")
	errorMode := flags.String("error-mode", "propagate", "ignore, silent or propagate")
	gates := flags.String("gates", "", "feature gates to enable, comma-separated")
	_ = flags.Parse(os.Args[2:])
	if flags.NArg() != 2 {
		usage("RULES and INPUT are needed")
	}
	for _, gate := range strings.Split(*gates, ",") {
		if gate == "" {
			continue
		}
		if err := featuregate.GlobalRegistry().Set(gate, true); err != nil {
			fail(exitUsage, err)
		}
	}
	rules, err := readLines(flags.Arg(0))
	if err != nil {
		fail(exitUsage, err)
	}
	input, err := os.ReadFile(flags.Arg(1))
	if err != nil {
		fail(exitUsage, err)
	}
	var factory processor.Factory
	var conf map[string]any
	switch mode {
	case "statements":
		factory = transformprocessor.NewFactory()
		conf = transformConfig(*signal, *contextName, *errorMode, rules)
	case "conditions":
		factory = filterprocessor.NewFactory()
		conf = filterConfig(*signal, *contextName, *errorMode, rules)
	default:
		usage("unknown command " + mode)
	}
	output, err := run(factory, conf, *signal, input)
	var rejected rejectedError
	switch {
	case errors.As(err, &rejected):
		fail(exitRejected, err)
	case err != nil:
		fail(exitFailed, err)
	}
	fmt.Println(string(output))
}

func usage(message string) {
	fmt.Fprintln(os.Stderr, "ottl-ref:", message)
	fmt.Fprintln(os.Stderr, "usage: ottl-ref statements|conditions -signal S [-context C] [-error-mode M] [-gates G] RULES INPUT")
	os.Exit(exitUsage)
}

func fail(code int, err error) {
	fmt.Fprintln(os.Stderr, "ottl-ref:", err)
	os.Exit(code)
}

// readLines reads one rule per non-empty line; `#` lines are comments.
func readLines(path string) ([]any, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	var rules []any
	scanner := bufio.NewScanner(file)
	scanner.Buffer(make([]byte, 1<<20), 1<<26)
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if line != "" && !strings.HasPrefix(line, "#") {
			rules = append(rules, line)
		}
	}
	return rules, scanner.Err()
}

// transformConfig is a transform processor's configuration with one statement group.
func transformConfig(signal, contextName, errorMode string, statements []any) map[string]any {
	group := map[string]any{"statements": statements}
	if contextName != "" {
		group["context"] = contextName
	}
	key := map[string]string{"traces": "trace_statements", "metrics": "metric_statements", "logs": "log_statements"}[signal]
	return map[string]any{"error_mode": errorMode, key: []any{group}}
}

// filterConfig is a filter processor's configuration with the conditions under their
// context, in the processor's long-standing layout.
func filterConfig(signal, contextName, errorMode string, conditions []any) map[string]any {
	key := contextName
	if contextName == "log" {
		key = "log_record"
	}
	return map[string]any{"error_mode": errorMode, signal: map[string]any{key: conditions}}
}

// rejectedError is a configuration the collector refuses to start with.
type rejectedError struct{ err error }

func (r rejectedError) Error() string { return r.err.Error() }

// run builds the processor from conf, passes input through it and returns what it
// passes on, as OTLP JSON.
func run(factory processor.Factory, conf map[string]any, signal string, input []byte) ([]byte, error) {
	cfg := factory.CreateDefaultConfig()
	if err := confmap.NewFromStringMap(conf).Unmarshal(cfg); err != nil {
		return nil, rejectedError{err}
	}
	if validator, ok := cfg.(interface{ Validate() error }); ok {
		if err := validator.Validate(); err != nil {
			return nil, rejectedError{err}
		}
	}
	ctx := context.Background()
	settings := processortest.NewNopSettings(factory.Type())
	host := componenttest.NewNopHost()
	switch signal {
	case "logs":
		data, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(input)
		if err != nil {
			return nil, err
		}
		var out plog.Logs
		next, _ := consumer.NewLogs(func(_ context.Context, ld plog.Logs) error { out = ld; return nil })
		p, err := factory.CreateLogs(ctx, settings, cfg, next)
		if err != nil {
			return nil, rejectedError{err}
		}
		if err := consume(ctx, p, host, func() error { return p.ConsumeLogs(ctx, data) }); err != nil {
			return nil, err
		}
		if out == (plog.Logs{}) {
			out = plog.NewLogs()
		}
		return (&plog.JSONMarshaler{}).MarshalLogs(out)
	case "traces":
		data, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(input)
		if err != nil {
			return nil, err
		}
		var out ptrace.Traces
		next, _ := consumer.NewTraces(func(_ context.Context, td ptrace.Traces) error { out = td; return nil })
		p, err := factory.CreateTraces(ctx, settings, cfg, next)
		if err != nil {
			return nil, rejectedError{err}
		}
		if err := consume(ctx, p, host, func() error { return p.ConsumeTraces(ctx, data) }); err != nil {
			return nil, err
		}
		if out == (ptrace.Traces{}) {
			out = ptrace.NewTraces()
		}
		return (&ptrace.JSONMarshaler{}).MarshalTraces(out)
	case "metrics":
		data, err := (&pmetric.JSONUnmarshaler{}).UnmarshalMetrics(input)
		if err != nil {
			return nil, err
		}
		var out pmetric.Metrics
		next, _ := consumer.NewMetrics(func(_ context.Context, md pmetric.Metrics) error { out = md; return nil })
		p, err := factory.CreateMetrics(ctx, settings, cfg, next)
		if err != nil {
			return nil, rejectedError{err}
		}
		if err := consume(ctx, p, host, func() error { return p.ConsumeMetrics(ctx, data) }); err != nil {
			return nil, err
		}
		if out == (pmetric.Metrics{}) {
			out = pmetric.NewMetrics()
		}
		return (&pmetric.JSONMarshaler{}).MarshalMetrics(out)
	}
	return nil, fmt.Errorf("unknown signal %q", signal)
}

// consume starts the processor, runs one payload through it and shuts it down.
func consume(ctx context.Context, p component.Component, host component.Host, payload func() error) error {
	if err := p.Start(ctx, host); err != nil {
		return rejectedError{err}
	}
	err := payload()
	if shutdownErr := p.Shutdown(ctx); err == nil {
		err = shutdownErr
	}
	return err
}
