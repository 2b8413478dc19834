package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/filterprocessor"
	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/transformprocessor"
	"go.opentelemetry.io/collector/processor"
)

// runPipeline runs one pipeline of a collector config on OTLP JSON, as `ottlc run
// --config --pipeline` and `ottlc test` do:
//
//	ottl-ref pipeline -config FILE -pipeline NAME INPUT
//
// The whole file is expanded by the collector's resolver; each transform and filter
// processor the pipeline lists is built from its own settings, in the pipeline's order,
// and the payload goes through each in turn. Other processors pass it through unchanged,
// as they do in ottlc (only OTTL is compared).
func runPipeline(configPath, name string, input []byte) ([]byte, error) {
	text, err := os.ReadFile(configPath)
	if err != nil {
		return nil, err
	}
	conf, err := resolve(string(text))
	if err != nil {
		return nil, rejectedError{err}
	}
	pipeline, err := conf.Sub("service::pipelines::" + name)
	if err != nil || !pipeline.IsSet("processors") {
		return nil, rejectedError{fmt.Errorf("no pipeline %q with processors", name)}
	}
	ids, ok := pipeline.Get("processors").([]any)
	if !ok {
		return nil, rejectedError{fmt.Errorf("pipeline %q: processors is not a list", name)}
	}
	signal := strings.SplitN(name, "/", 2)[0]
	payload := input
	for _, item := range ids {
		id := fmt.Sprint(item)
		var factory processor.Factory
		switch strings.SplitN(id, "/", 2)[0] {
		case "transform":
			factory = transformprocessor.NewFactory()
		case "filter":
			factory = filterprocessor.NewFactory()
		default:
			continue
		}
		settings, err := conf.Sub("processors::" + id)
		if err != nil {
			return nil, rejectedError{err}
		}
		if payload, err = run(factory, settings.ToStringMap(), signal, payload); err != nil {
			return nil, fmt.Errorf("%s: %w", id, err)
		}
		// A processor that passed nothing on (a filter that dropped every item) ends the
		// pipeline, as processorhelper's ErrSkipProcessingData does in the collector.
		if string(payload) == nothingPassedOn[signal] {
			break
		}
	}
	return payload, nil
}

// nothingPassedOn is what run returns when the processor passed nothing on.
var nothingPassedOn = map[string]string{
	"traces":  `{"resourceSpans":[]}`,
	"metrics": `{"resourceMetrics":[]}`,
	"logs":    `{"resourceLogs":[]}`,
}
