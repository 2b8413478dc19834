// opamp-go-client: opamp-go's own client (github.com/open-telemetry/opamp-go, WebSocket or
// plain HTTP) as an agent that takes OTTL rule files, the peer of ottl-fleet's tests
// (fleet/tests/peers.rs). It prints one JSON line per config it is offered, reports it
// APPLIED (or FAILED when a file holds the -fail-on text) and runs until stdin closes.
package main

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/open-telemetry/opamp-go/client"
	"github.com/open-telemetry/opamp-go/client/types"
	"github.com/open-telemetry/opamp-go/protobufs"
)

type offer struct {
	Hash   string            `json:"hash"`
	Files  map[string]string `json:"files"`
	Status string            `json:"status"`
}

func main() {
	url := flag.String("url", "", "the OpAMP endpoint (ws://… or http://…)")
	transport := flag.String("transport", "ws", "ws or http")
	service := flag.String("service", "opamp-go", "the agent's service.name")
	failOn := flag.String("fail-on", "", "report FAILED for a config with a file holding this text")
	polling := flag.Duration("polling", 100*time.Millisecond, "the HTTP polling interval")
	flag.Parse()

	var opamp client.OpAMPClient
	if *transport == "http" {
		httpClient := client.NewHTTP(logger{})
		httpClient.SetPollingInterval(*polling)
		opamp = httpClient
	} else {
		opamp = client.NewWebSocket(logger{})
	}
	uid, err := uuid.NewV7()
	if err != nil {
		fail(err)
	}
	err = opamp.SetAgentDescription(&protobufs.AgentDescription{
		IdentifyingAttributes: []*protobufs.KeyValue{{
			Key:   "service.name",
			Value: &protobufs.AnyValue{Value: &protobufs.AnyValue_StringValue{StringValue: *service}},
		}},
	})
	if err != nil {
		fail(err)
	}
	if err := opamp.SetHealth(&protobufs.ComponentHealth{Healthy: true}); err != nil {
		fail(err)
	}
	// Health first: opamp-go refuses ReportsHealth without it.
	capabilities := protobufs.AgentCapabilities_AgentCapabilities_ReportsStatus |
		protobufs.AgentCapabilities_AgentCapabilities_AcceptsRemoteConfig |
		protobufs.AgentCapabilities_AgentCapabilities_ReportsEffectiveConfig |
		protobufs.AgentCapabilities_AgentCapabilities_ReportsRemoteConfig |
		protobufs.AgentCapabilities_AgentCapabilities_ReportsHealth
	if err := opamp.SetCapabilities(&capabilities); err != nil {
		fail(err)
	}

	var mutex sync.Mutex
	effective := &protobufs.AgentConfigMap{ConfigMap: map[string]*protobufs.AgentConfigFile{}}
	var lastHash []byte
	out := json.NewEncoder(os.Stdout)
	onMessage := func(ctx context.Context, msg *types.MessageData) {
		remote := msg.RemoteConfig
		if remote == nil {
			return
		}
		mutex.Lock()
		if string(remote.ConfigHash) == string(lastHash) {
			mutex.Unlock()
			return
		}
		lastHash = remote.ConfigHash
		seen := offer{Hash: hex.EncodeToString(remote.ConfigHash), Files: map[string]string{}, Status: "APPLIED"}
		status := &protobufs.RemoteConfigStatus{LastRemoteConfigHash: remote.ConfigHash, Status: protobufs.RemoteConfigStatuses_RemoteConfigStatuses_APPLIED}
		for name, file := range remote.GetConfig().GetConfigMap() {
			seen.Files[name] = string(file.Body)
			if *failOn != "" && strings.Contains(string(file.Body), *failOn) {
				seen.Status = "FAILED"
				status.Status = protobufs.RemoteConfigStatuses_RemoteConfigStatuses_FAILED
				status.ErrorMessage = "the rules hold " + *failOn
			}
		}
		if seen.Status == "APPLIED" {
			effective = remote.GetConfig()
		}
		// Unlocked: UpdateEffectiveConfig calls GetEffectiveConfig, which locks.
		mutex.Unlock()
		if seen.Status == "APPLIED" {
			_ = opamp.UpdateEffectiveConfig(ctx)
		}
		_ = opamp.SetRemoteConfigStatus(status)
		_ = out.Encode(seen)
	}

	settings := types.StartSettings{
		OpAMPServerURL: *url,
		InstanceUid:    types.InstanceUid(uid),
		Callbacks: types.Callbacks{
			OnMessage: onMessage,
			GetEffectiveConfig: func(ctx context.Context) (*protobufs.EffectiveConfig, error) {
				mutex.Lock()
				defer mutex.Unlock()
				return &protobufs.EffectiveConfig{ConfigMap: effective}, nil
			},
		},
	}
	if err := opamp.Start(context.Background(), settings); err != nil {
		fail(err)
	}
	// Runs until the test closes stdin.
	_, _ = io.Copy(io.Discard, bufio.NewReader(os.Stdin))
	_ = opamp.Stop(context.Background())
}

// logger writes opamp-go's errors to stderr, for the test's log.
type logger struct{}

func (logger) Debugf(ctx context.Context, format string, v ...interface{}) {}
func (logger) Errorf(ctx context.Context, format string, v ...interface{}) {
	fmt.Fprintf(os.Stderr, "opamp-go-client: "+format+"\n", v...)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "opamp-go-client:", err)
	os.Exit(1)
}
