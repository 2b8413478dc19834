"""PyPI `opentelemetry-opamp-client` as an agent that takes OTTL rule files: the peer of
ottl-fleet's tests (fleet/tests/peers.rs). Prints one JSON line per config it is offered,
reports it APPLIED (or FAILED when a file holds the --fail-on text), and runs until stdin
closes."""

import argparse
import json
import sys

from opentelemetry._opamp.agent import OpAMPAgent
from opentelemetry._opamp.callbacks import OpAMPCallbacks
from opentelemetry._opamp.client import OpAMPClient
from opentelemetry._opamp.proto import opamp_pb2

CAPABILITIES = (
    opamp_pb2.AgentCapabilities_ReportsStatus
    | opamp_pb2.AgentCapabilities_AcceptsRemoteConfig
    | opamp_pb2.AgentCapabilities_ReportsRemoteConfig
)


class Rules(OpAMPCallbacks):
    def __init__(self, fail_on):
        self.fail_on = fail_on

    def on_message(self, agent, client, message):
        remote = message.remote_config
        if remote is None:
            return
        files = {name: file.body.decode() for name, file in remote.config.config_map.items()}
        failed = bool(self.fail_on) and any(self.fail_on in body for body in files.values())
        status = opamp_pb2.RemoteConfigStatuses_FAILED if failed else opamp_pb2.RemoteConfigStatuses_APPLIED
        error = f"the rules hold {self.fail_on}" if failed else ""
        changed = client.update_remote_config_status(remote.config_hash, status, error)
        if changed is None:
            return
        agent.send(client.build_remote_config_status_response_message(changed))
        line = {"hash": remote.config_hash.hex(), "files": files, "status": "FAILED" if failed else "APPLIED"}
        print(json.dumps(line), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--service", default="python")
    parser.add_argument("--fail-on", default="")
    args = parser.parse_args()
    client = OpAMPClient(
        endpoint=args.url,
        agent_identifying_attributes={"service.name": args.service},
        capabilities=CAPABILITIES,
    )
    agent = OpAMPAgent(interval=0.2, callbacks=Rules(args.fail_on), client=client, initial_backoff=0.2)
    agent.start()
    sys.stdin.read()
    agent.stop()


if __name__ == "__main__":
    main()
