// opamp-server: an OpAMP server built on opamp-go's server package (v0.23.0), the peer
// the agent's OpAMP tests (agent/tests/opamp.rs) run against. It accepts WebSocket and
// plain HTTP on one endpoint, serves the rule file it is told to, and prints every remote
// config status an agent reports, one JSON object a line on stdout.
//
//	opamp-server -listen 127.0.0.1:PORT [-token SECRET]
//
// Commands on stdin, one a line:
//
//	offer NAME PATH       offer the file at PATH as the config map entry NAME
//	offer-bad-hash NAME PATH   the same, with a hash that is not the config's
//
// Output lines: {"event":"listening"}, {"event":"message","seq":N,"full":BOOL}, {"event":"refused","status":401},
// {"event":"status","status":"APPLIED","hash":"..","error":".."}, {"event":"offered","hash":".."},
// {"event":"effective","files":{"NAME":"TEXT",..}} (the effective config an agent reports).
package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/open-telemetry/opamp-go/protobufs"
	"github.com/open-telemetry/opamp-go/server"
	"github.com/open-telemetry/opamp-go/server/types"
)

type state struct {
	mu    sync.Mutex
	offer *protobufs.AgentRemoteConfig
	conns map[types.Connection]bool
	// The agents that sent their full state to this server.
	known map[string]bool
	out   *json.Encoder
}

func (s *state) print(fields map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = s.out.Encode(fields)
}

// The hash as opamp-go's example server computes it: name, body, content type.
func configHash(m *protobufs.AgentConfigMap) []byte {
	h := sha256.New()
	for name, file := range m.ConfigMap {
		h.Write([]byte(name))
		h.Write(file.Body)
		h.Write([]byte(file.ContentType))
	}
	return h.Sum(nil)
}

func (s *state) onMessage(_ context.Context, conn types.Connection, msg *protobufs.AgentToServer) *protobufs.ServerToAgent {
	s.print(map[string]any{"event": "message", "seq": msg.SequenceNum, "full": msg.GetAgentDescription() != nil})
	if st := msg.GetRemoteConfigStatus(); st != nil {
		s.print(map[string]any{
			"event":  "status",
			"status": strings.TrimPrefix(st.Status.String(), "RemoteConfigStatuses_"),
			"hash":   hex.EncodeToString(st.LastRemoteConfigHash),
			"error":  st.ErrorMessage,
			"seq":    msg.SequenceNum,
		})
	}
	if ec := msg.GetEffectiveConfig(); ec != nil {
		files := map[string]string{}
		for name, file := range ec.GetConfigMap().GetConfigMap() {
			files[name] = string(file.Body)
		}
		s.print(map[string]any{"event": "effective", "files": files})
	}
	if msg.GetAgentDisconnect() != nil {
		s.print(map[string]any{"event": "disconnect"})
	}
	reply := &protobufs.ServerToAgent{
		InstanceUid:  msg.InstanceUid,
		Capabilities: uint64(protobufs.ServerCapabilities_ServerCapabilities_AcceptsStatus | protobufs.ServerCapabilities_ServerCapabilities_OffersRemoteConfig | protobufs.ServerCapabilities_ServerCapabilities_AcceptsEffectiveConfig),
	}
	uid := hex.EncodeToString(msg.InstanceUid)
	s.mu.Lock()
	offer := s.offer
	if msg.GetAgentDescription() != nil {
		s.known[uid] = true
	} else if !s.known[uid] {
		// A server with no state for an agent asks for all of it (spec: ReportFullState).
		reply.Flags = uint64(protobufs.ServerToAgentFlags_ServerToAgentFlags_ReportFullState)
	}
	s.mu.Unlock()
	// Offer the config unless the agent reports having acted on it.
	if offer != nil && (msg.GetRemoteConfigStatus() == nil || hex.EncodeToString(msg.GetRemoteConfigStatus().LastRemoteConfigHash) != hex.EncodeToString(offer.ConfigHash)) {
		reply.RemoteConfig = offer
	}
	return reply
}

func (s *state) command(line string) error {
	fields := strings.Fields(line)
	if len(fields) != 3 || (fields[0] != "offer" && fields[0] != "offer-bad-hash") {
		return fmt.Errorf("unknown command %q", line)
	}
	body, err := os.ReadFile(fields[2])
	if err != nil {
		return err
	}
	m := &protobufs.AgentConfigMap{ConfigMap: map[string]*protobufs.AgentConfigFile{
		fields[1]: {Body: body, ContentType: "text/plain"},
	}}
	hash := configHash(m)
	if fields[0] == "offer-bad-hash" {
		hash[0] ^= 0xff
	}
	offer := &protobufs.AgentRemoteConfig{Config: m, ConfigHash: hash}
	s.mu.Lock()
	s.offer = offer
	conns := make([]types.Connection, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	s.print(map[string]any{"event": "offered", "hash": hex.EncodeToString(hash)})
	// WebSocket agents get it pushed now; HTTP agents with their next poll.
	for _, c := range conns {
		_ = c.Send(context.Background(), &protobufs.ServerToAgent{RemoteConfig: offer})
	}
	return nil
}

func main() {
	listen := flag.String("listen", "127.0.0.1:4320", "address to listen on")
	token := flag.String("token", "", "the bearer token agents must send; empty: none")
	flag.Parse()

	s := &state{conns: map[types.Connection]bool{}, known: map[string]bool{}, out: json.NewEncoder(os.Stdout)}
	srv := server.New(nil)
	settings := server.StartSettings{
		ListenEndpoint: *listen,
		Settings: server.Settings{Callbacks: types.Callbacks{
			OnConnecting: func(r *http.Request) types.ConnectionResponse {
				if *token != "" && r.Header.Get("Authorization") != "Bearer "+*token {
					s.print(map[string]any{"event": "refused", "status": http.StatusUnauthorized})
					return types.ConnectionResponse{Accept: false, HTTPStatusCode: http.StatusUnauthorized}
				}
				return types.ConnectionResponse{Accept: true, ConnectionCallbacks: types.ConnectionCallbacks{
					OnConnected: func(_ context.Context, conn types.Connection) {
						s.mu.Lock()
						s.conns[conn] = true
						s.mu.Unlock()
					},
					OnMessage: s.onMessage,
					OnConnectionClose: func(conn types.Connection) {
						s.mu.Lock()
						delete(s.conns, conn)
						s.mu.Unlock()
					},
				}}
			},
		}},
	}
	if err := srv.Start(settings); err != nil {
		fmt.Fprintln(os.Stderr, "opamp-server:", err)
		os.Exit(1)
	}
	s.print(map[string]any{"event": "listening"})
	scanner := bufio.NewScanner(os.Stdin)
	for scanner.Scan() {
		if err := s.command(scanner.Text()); err != nil {
			fmt.Fprintln(os.Stderr, "opamp-server:", err)
		}
	}
	_ = srv.Stop(context.Background())
}
