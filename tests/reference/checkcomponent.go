package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/open-telemetry/opentelemetry-collector-contrib/connector/countconnector"
	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/filterprocessor"
	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/tailsamplingprocessor"
	"github.com/open-telemetry/opentelemetry-collector-contrib/processor/transformprocessor"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/connector"
	"go.opentelemetry.io/collector/connector/connectortest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pipeline"
	"go.opentelemetry.io/collector/pipeline/xpipeline"
	"go.opentelemetry.io/collector/processor"
	"go.opentelemetry.io/collector/processor/processortest"
	"go.opentelemetry.io/collector/processor/xprocessor"
)

// processorFactories are the processors whose configurations hold OTTL, by type.
var processorFactories = map[string]processor.Factory{
	"transform":     transformprocessor.NewFactory(),
	"filter":        filterprocessor.NewFactory(),
	"tail_sampling": tailsamplingprocessor.NewFactory(),
}

// connectorFactories are the connectors whose configurations hold OTTL, by type, but for
// routing, which has a stand-in (routing.go). The sum connector is not here: the module
// proxy serves no v0.161.0 of it.
var connectorFactories = map[string]connector.Factory{
	"count": countconnector.NewFactory(),
}

// removedTypes are component types that real configurations still name but that
// v0.161.0 no longer has: the collector refuses them as unknown types.
var removedTypes = map[string]map[string]bool{
	"processors": {"routing": true},
}

// signals are the pipelines' data types, in the order processors are built for them.
var signals = []pipeline.Signal{pipeline.SignalTraces, pipeline.SignalMetrics, pipeline.SignalLogs, xpipeline.SignalProfiles}

// connectorSignals are the data types connectors are built between (profiles aside: no
// connector here reads OTTL from a profiles-only setting).
var connectorSignals = []pipeline.Signal{pipeline.SignalTraces, pipeline.SignalMetrics, pipeline.SignalLogs}

// checkComponent loads one processor or connector section the way the collector does.
func checkComponent(section string, id component.ID, conf *confmap.Conf) error {
	typ := id.Type().String()
	if removedTypes[section][typ] {
		return fmt.Errorf("unknown type: %q for id: %q", typ, id)
	}
	return recovering(func() error {
		switch {
		case section == "processors":
			return buildProcessor(processorFactories[typ], conf, signals)
		case typ == "routing":
			return checkRouting(conf)
		}
		return buildConnector(connectorFactories[typ], id, conf)
	})
}

// recovering runs f with a panic in the collector's code turned into its error: the
// collector would crash, which is a rejection too.
func recovering(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s%v", panicPrefix, r)
		}
	}()
	return f()
}

// loadConfig is the factory's default configuration overlaid with conf and validated, as
// the collector's config unmarshaler and its validation pass leave it.
func loadConfig(factory component.Factory, conf *confmap.Conf) (component.Config, error) {
	cfg := factory.CreateDefaultConfig()
	if err := conf.Unmarshal(cfg); err != nil {
		return nil, err
	}
	if err := confmap.Validate(cfg); err != nil {
		return nil, err
	}
	return cfg, nil
}

// buildProcessor loads a processor and creates and starts it for each of the signals its
// factory supports (some configurations are only refused when the processor is built or
// started).
func buildProcessor(factory processor.Factory, conf *confmap.Conf, signals []pipeline.Signal) error {
	cfg, err := loadConfig(factory, conf)
	if err != nil {
		return err
	}
	for _, signal := range signals {
		p, err := createProcessor(factory, cfg, signal)
		if errors.Is(err, pipeline.ErrSignalNotSupported) {
			continue
		}
		if err := startAndStop(p, err); err != nil {
			return err
		}
	}
	return nil
}

// createProcessor creates the processor for one signal, passing on to a sink.
func createProcessor(factory processor.Factory, cfg component.Config, signal pipeline.Signal) (component.Component, error) {
	ctx := context.Background()
	settings := processortest.NewNopSettings(factory.Type())
	sink := consumertest.NewNop()
	switch signal {
	case pipeline.SignalTraces:
		return factory.CreateTraces(ctx, settings, cfg, sink)
	case pipeline.SignalMetrics:
		return factory.CreateMetrics(ctx, settings, cfg, sink)
	case pipeline.SignalLogs:
		return factory.CreateLogs(ctx, settings, cfg, sink)
	}
	if profiles, ok := factory.(xprocessor.Factory); ok && signal == xpipeline.SignalProfiles {
		return profiles.CreateProfiles(ctx, settings, cfg, sink)
	}
	return nil, pipeline.ErrSignalNotSupported
}

// startAndStop starts a component the collector has just created (createErr is the
// creation's error) and shuts it down again.
func startAndStop(c component.Component, createErr error) error {
	if createErr != nil {
		return createErr
	}
	ctx := context.Background()
	if err := c.Start(ctx, componenttest.NewNopHost()); err != nil {
		return err
	}
	return c.Shutdown(ctx)
}

// buildConnector loads a connector and creates and starts it for each pair of signals its
// factory connects.
func buildConnector(factory connector.Factory, id component.ID, conf *confmap.Conf) error {
	cfg, err := loadConfig(factory, conf)
	if err != nil {
		return err
	}
	settings := connectortest.NewNopSettings(factory.Type())
	settings.ID = id
	for _, from := range connectorSignals {
		for _, to := range connectorSignals {
			c, err := createConnector(factory, settings, cfg, from, to)
			if errors.Is(err, pipeline.ErrSignalNotSupported) {
				continue
			}
			if err := startAndStop(c, err); err != nil {
				return err
			}
		}
	}
	return nil
}

// createConnector creates the connector from one signal to another, passing on to a sink.
func createConnector(factory connector.Factory, settings connector.Settings, cfg component.Config, from, to pipeline.Signal) (component.Component, error) {
	ctx := context.Background()
	sink := consumertest.NewNop()
	switch [2]pipeline.Signal{from, to} {
	case [2]pipeline.Signal{pipeline.SignalTraces, pipeline.SignalTraces}:
		return factory.CreateTracesToTraces(ctx, settings, cfg, sink)
	case [2]pipeline.Signal{pipeline.SignalTraces, pipeline.SignalMetrics}:
		return factory.CreateTracesToMetrics(ctx, settings, cfg, sink)
	case [2]pipeline.Signal{pipeline.SignalTraces, pipeline.SignalLogs}:
		return factory.CreateTracesToLogs(ctx, settings, cfg, sink)
	case [2]pipeline.Signal{pipeline.SignalMetrics, pipeline.SignalTraces}:
		return factory.CreateMetricsToTraces(ctx, settings, cfg, sink)
	case [2]pipeline.Signal{pipeline.SignalMetrics, pipeline.SignalMetrics}:
		return factory.CreateMetricsToMetrics(ctx, settings, cfg, sink)
	case [2]pipeline.Signal{pipeline.SignalMetrics, pipeline.SignalLogs}:
		return factory.CreateMetricsToLogs(ctx, settings, cfg, sink)
	case [2]pipeline.Signal{pipeline.SignalLogs, pipeline.SignalTraces}:
		return factory.CreateLogsToTraces(ctx, settings, cfg, sink)
	case [2]pipeline.Signal{pipeline.SignalLogs, pipeline.SignalMetrics}:
		return factory.CreateLogsToMetrics(ctx, settings, cfg, sink)
	case [2]pipeline.Signal{pipeline.SignalLogs, pipeline.SignalLogs}:
		return factory.CreateLogsToLogs(ctx, settings, cfg, sink)
	}
	return nil, pipeline.ErrSignalNotSupported
}
