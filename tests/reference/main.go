// Command ottl-ref runs OTTL through the OpenTelemetry Collector's own components, so that
// ottlc can be measured against the real thing (issue 5, DESIGN §8):
//
//	ottl-ref statements -signal logs [-context log] [-error-mode ignore] [-gates g,...] RULES INPUT
//	ottl-ref conditions -signal logs -context log [-error-mode ignore] RULES INPUT
//	ottl-ref batch [-gates g,...] < CASES.jsonl > RESULTS.jsonl
//	ottl-ref check < CASES.jsonl > RESULTS.jsonl
//	ottl-ref bench -signal traces [-processor transform] [-context span] [-iterations 20] RULES INPUT
//	ottl-ref pipeline -config FILE -pipeline NAME INPUT
//
// RULES holds one statement (or condition) per line. INPUT is OTLP JSON. `statements` runs
// them in a transform processor (v0.161.0) and prints the payload it passes on;
// `conditions` runs them in a filter processor and prints what it keeps. The output is
// pdata's own OTLP JSON. Exit status: 0 on success, 1 when the processor fails the payload
// (error mode propagate), 3 when the collector rejects the configuration (parse errors), 2
// on usage or input errors.
//
// `batch` runs many cases in one process (the differential tests send thousands): one JSON
// object per input line, {"id", "command", "signal", "context", "error_mode", "rules",
// "conditions", "input"}, and one result per output line, {"id", "output"} or {"id",
// "error", "rejected"}. `conditions`, for `statements`, are the statement group's
// `conditions`: the statements run on an item only when one of them holds.
//
// `check` says whether the collector would start with some OTTL, and if not, with what
// error: no data goes through. A line {"id", "kind": statement|condition, "signal",
// "context", "text", "gates"} is loaded as the only item of a transform processor's
// statement group or a filter processor's <signal>_conditions group (error mode
// propagate), which is unmarshaled, validated, created and started; the answer is {"id",
// "accepted", "error"}. A line {"id", "config"} holds a YAML file: the collector
// configurations in it (top-level, nested in Helm values or Kubernetes objects, or held in
// strings) are expanded by the collector's resolver with no environment variables set, and
// each transform, filter, tail_sampling processor and routing, count connector is loaded
// the same way; the answer is {"id", "components": [{"name", "at", "accepted", "error"}],
// "error"}. The routing connector has no v0.161.0 to build on: a stand-in checks its
// table (routing.go).
//
// `pipeline` runs a config's pipeline: its transform and filter processors, each built from
// the whole file as the collector resolves it, in order (pipeline.go); the exit statuses
// are those of `statements`.
//
// `bench` is the performance peer of the benchmarks: it times the transform processor
// (statements) or, with -processor filter, the filter processor (conditions) on INPUT,
// after a warm-up, each round on a copy of INPUT made before the clock starts, and prints
// {"records", "ns_per_record"} of the fastest round.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

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
		usage("a command is needed: statements, conditions, batch, check or bench")
	}
	mode := os.Args[1]
	if mode == "check" {
		if err := check(os.Stdin, os.Stdout); err != nil {
			fail(exitUsage, err)
		}
		return
	}
	if mode == "pipeline" {
		flags := flag.NewFlagSet(mode, flag.ExitOnError)
		config := flags.String("config", "", "the collector config")
		pipeline := flags.String("pipeline", "", "the pipeline to run (traces, logs/critical, ...)")
		_ = flags.Parse(os.Args[2:])
		if flags.NArg() != 1 || *config == "" || *pipeline == "" {
			usage("pipeline takes -config FILE -pipeline NAME INPUT")
		}
		input, err := os.ReadFile(flags.Arg(0))
		if err != nil {
			fail(exitUsage, err)
		}
		printOutput(runPipeline(*config, *pipeline, input))
		return
	}
	if mode == "batch" {
		flags := flag.NewFlagSet(mode, flag.ExitOnError)
		gates := flags.String("gates", "", "feature gates to enable, comma-separated")
		_ = flags.Parse(os.Args[2:])
		enableGates(*gates)
		if err := batch(os.Stdin, os.Stdout); err != nil {
			fail(exitUsage, err)
		}
		return
	}
	flags := flag.NewFlagSet(mode, flag.ExitOnError)
	iterations := flags.Int("iterations", 20, "bench: timed rounds")
	processorName := flags.String("processor", "transform", "bench: transform (statements) or filter (conditions)")
	signal := flags.String("signal", "", "traces, metrics or logs")
	contextName := flags.String("context", "", "the statements' context (inferred when empty)")
	errorMode := flags.String("error-mode", "propagate", "ignore, silent or propagate")
	gates := flags.String("gates", "", "feature gates to enable, comma-separated")
	_ = flags.Parse(os.Args[2:])
	if flags.NArg() != 2 {
		usage("RULES and INPUT are needed")
	}
	enableGates(*gates)
	rules, err := readLines(flags.Arg(0))
	if err != nil {
		fail(exitUsage, err)
	}
	input, err := os.ReadFile(flags.Arg(1))
	if err != nil {
		fail(exitUsage, err)
	}
	if mode == "bench" {
		command, ok := map[string]string{"transform": "statements", "filter": "conditions"}[*processorName]
		if !ok {
			usage(fmt.Sprintf("unknown processor %q: transform or filter", *processorName))
		}
		factory, conf, err := configure(command, *signal, *contextName, *errorMode, rules, nil)
		if err != nil {
			usage(err.Error())
		}
		if err := bench(factory, conf, *signal, input, *iterations); err != nil {
			fail(exitFailed, err)
		}
		return
	}
	factory, conf, err := configure(mode, *signal, *contextName, *errorMode, rules, nil)
	if err != nil {
		usage(err.Error())
	}
	printOutput(run(factory, conf, *signal, input))
}

// printOutput prints what a processor (or pipeline) passed on, or exits with the status
// its error calls for.
func printOutput(output []byte, err error) {
	var rejected rejectedError
	switch {
	case errors.As(err, &rejected):
		fail(exitRejected, err)
	case err != nil:
		fail(exitFailed, err)
	}
	fmt.Println(string(output))
}

// enableGates turns on the named collector feature gates.
func enableGates(gates string) {
	for _, gate := range strings.Split(gates, ",") {
		if gate == "" {
			continue
		}
		if err := featuregate.GlobalRegistry().Set(gate, true); err != nil {
			fail(exitUsage, err)
		}
	}
}

// configure picks the processor for a command and builds its configuration. guard, for
// statements only, is their group's `conditions`.
func configure(command, signal, contextName, errorMode string, rules []any, guard []string) (processor.Factory, map[string]any, error) {
	switch {
	case command == "statements":
		return transformprocessor.NewFactory(), transformConfig(signal, contextName, errorMode, rules, guard), nil
	case command == "conditions" && len(guard) == 0:
		return filterprocessor.NewFactory(), filterConfig(signal, contextName, errorMode, rules), nil
	case command == "conditions":
		return nil, nil, errors.New("conditions guard statements; the filter processor has none")
	}
	return nil, nil, fmt.Errorf("unknown command %q", command)
}

// batchCase is one line of a batch.
type batchCase struct {
	ID        string   `json:"id"`
	Command   string   `json:"command"`
	Signal    string   `json:"signal"`
	Context   string   `json:"context"`
	ErrorMode string   `json:"error_mode"`
	Rules     []string `json:"rules"`
	// Conditions guard a transform group's statements.
	Conditions []string        `json:"conditions"`
	Input      json.RawMessage `json:"input"`
}

// batchResult is one line of a batch's answer.
type batchResult struct {
	ID       string          `json:"id"`
	Output   json.RawMessage `json:"output,omitempty"`
	Error    string          `json:"error,omitempty"`
	Rejected bool            `json:"rejected,omitempty"`
}

// batch runs one case per input line and writes one result per line.
func batch(in io.Reader, out io.Writer) error {
	scanner := bufio.NewScanner(in)
	scanner.Buffer(make([]byte, 1<<20), 1<<28)
	encoder := json.NewEncoder(out)
	for scanner.Scan() {
		var c batchCase
		if err := json.Unmarshal(scanner.Bytes(), &c); err != nil {
			return fmt.Errorf("a batch line is not a case: %w", err)
		}
		result := batchResult{ID: c.ID}
		rules := make([]any, len(c.Rules))
		for i, rule := range c.Rules {
			rules[i] = rule
		}
		errorMode := c.ErrorMode
		if errorMode == "" {
			errorMode = "propagate"
		}
		factory, conf, err := configure(c.Command, c.Signal, c.Context, errorMode, rules, c.Conditions)
		if err == nil {
			var output []byte
			output, err = runRecovering(factory, conf, c.Signal, c.Input)
			result.Output = output
		}
		if err != nil {
			var rejected rejectedError
			result.Output = nil
			result.Error = err.Error()
			result.Rejected = errors.As(err, &rejected)
		}
		if err := encoder.Encode(result); err != nil {
			return err
		}
	}
	return scanner.Err()
}

// panicPrefix starts the error of a case that panicked inside the collector's code.
const panicPrefix = "the collector panicked: "

// runRecovering is run, with a panic in the collector's code turned into an error, so
// that one case that crashes the collector does not end the batch.
func runRecovering(factory processor.Factory, conf map[string]any, signal string, input []byte) (output []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			output, err = nil, fmt.Errorf("%s%v", panicPrefix, r)
		}
	}()
	return run(factory, conf, signal, input)
}

func usage(message string) {
	fmt.Fprintln(os.Stderr, "ottl-ref:", message)
	fmt.Fprintln(os.Stderr, "usage: ottl-ref statements|conditions -signal S [-context C] [-error-mode M] [-gates G] RULES INPUT")
	fmt.Fprintln(os.Stderr, "       ottl-ref check < CASES.jsonl > RESULTS.jsonl")
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

// transformConfig is a transform processor's configuration with one statement group,
// guarded by conditions when there are some.
func transformConfig(signal, contextName, errorMode string, statements []any, conditions []string) map[string]any {
	group := map[string]any{"statements": statements}
	if contextName != "" {
		group["context"] = contextName
	}
	if len(conditions) > 0 {
		group["conditions"] = conditions
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
			// Nothing was passed on (a filter dropped everything).
			return []byte(`{"resourceLogs":[]}`), nil
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
			// Nothing was passed on (a filter dropped everything).
			return []byte(`{"resourceSpans":[]}`), nil
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
			// Nothing was passed on (a filter dropped everything).
			return []byte(`{"resourceMetrics":[]}`), nil
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

// bench times the processor on input: rounds of consuming a fresh copy of it (made before
// the clock starts), the fastest per record.
func bench(factory processor.Factory, conf map[string]any, signal string, input []byte, iterations int) error {
	cfg := factory.CreateDefaultConfig()
	if err := confmap.NewFromStringMap(conf).Unmarshal(cfg); err != nil {
		return err
	}
	ctx := context.Background()
	settings := processortest.NewNopSettings(factory.Type())
	var records int
	// fresh copies the input and returns the consumption of the copy.
	var fresh func() func() error
	switch signal {
	case "traces":
		data, err := (&ptrace.JSONUnmarshaler{}).UnmarshalTraces(input)
		if err != nil {
			return err
		}
		records = data.SpanCount()
		next, _ := consumer.NewTraces(func(context.Context, ptrace.Traces) error { return nil })
		p, err := factory.CreateTraces(ctx, settings, cfg, next)
		if err != nil {
			return err
		}
		if err := p.Start(ctx, componenttest.NewNopHost()); err != nil {
			return err
		}
		defer func() { _ = p.Shutdown(ctx) }()
		fresh = func() func() error {
			c := ptrace.NewTraces()
			data.CopyTo(c)
			return func() error { return p.ConsumeTraces(ctx, c) }
		}
	case "logs":
		data, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(input)
		if err != nil {
			return err
		}
		records = data.LogRecordCount()
		next, _ := consumer.NewLogs(func(context.Context, plog.Logs) error { return nil })
		p, err := factory.CreateLogs(ctx, settings, cfg, next)
		if err != nil {
			return err
		}
		if err := p.Start(ctx, componenttest.NewNopHost()); err != nil {
			return err
		}
		defer func() { _ = p.Shutdown(ctx) }()
		fresh = func() func() error {
			c := plog.NewLogs()
			data.CopyTo(c)
			return func() error { return p.ConsumeLogs(ctx, c) }
		}
	default:
		return fmt.Errorf("bench supports traces and logs, not %q", signal)
	}
	round := func() (time.Duration, error) {
		consume := fresh()
		start := time.Now()
		err := consume()
		return time.Since(start), err
	}
	for i := 0; i < 3; i++ { // warm-up
		if _, err := round(); err != nil {
			return err
		}
	}
	fastest := time.Duration(math.MaxInt64)
	for i := 0; i < iterations; i++ {
		elapsed, err := round()
		if err != nil {
			return err
		}
		fastest = min(fastest, elapsed)
	}
	perRecord := float64(fastest) / float64(max(records, 1))
	return json.NewEncoder(os.Stdout).Encode(map[string]any{"records": records, "ns_per_record": perRecord})
}
